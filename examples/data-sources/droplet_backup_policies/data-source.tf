# The backup plans DigitalOcean supports, with their windows, weekdays and retention.
data "droplet_backup_policies" "all" {}

locals {
  policies = { for p in data.droplet_backup_policies.all.policies : p.name => p }
}

variable "backup_hour" {
  description = "UTC hour at which the backup window opens."
  type        = number
  default     = 4
}

resource "droplet_backups" "web" {
  droplet_id = 3164444
  plan       = "weekly"
  weekday    = "SAT"
  hour       = var.backup_hour

  lifecycle {
    precondition {
      condition     = contains(local.policies["weekly"].possible_window_starts, var.backup_hour)
      error_message = "backup_hour must be one of ${join(", ", local.policies["weekly"].possible_window_starts)}."
    }
  }
}

output "weekly_retention_days" {
  value = local.policies["weekly"].retention_period_days
}

# The retention a usage-based plan may be given, where the account offers the plan.
output "intra_daily_4h_retention_days" {
  value = try("${local.policies["intra_daily_4h"].min_retention_period_days}-${local.policies["intra_daily_4h"].max_retention_period_days}", "not offered")
}
