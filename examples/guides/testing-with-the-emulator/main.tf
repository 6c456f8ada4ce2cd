# A module under test: weekly backups for every droplet it is given.
variable "droplet_ids" {
  description = "Droplets that get weekly backups."
  type        = set(number)
}

variable "api_endpoint" {
  description = "DigitalOcean API URL; the emulator's address in tests."
  type        = string
  default     = "https://api.digitalocean.com"
}

provider "droplet" {
  api_endpoint = var.api_endpoint
}

resource "droplet_backups" "weekly" {
  for_each = var.droplet_ids

  droplet_id = each.value
  plan       = "weekly"
  weekday    = "SAT"
  hour       = 20
}

output "next_windows" {
  description = "Start of each droplet's next backup window."
  value       = { for id, b in droplet_backups.weekly : id => b.next_backup_window.start }
}
