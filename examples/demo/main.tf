# The configuration `make demo` applies to the bundled API emulator (see scripts/demo.sh).
# Against the real API it works the same: set DIGITALOCEAN_TOKEN and the three variables.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}

# The token and endpoint come from DIGITALOCEAN_TOKEN and DIGITALOCEAN_API_URL; the demo points
# them at the emulator it started.
provider "droplet" {}

variable "web_droplet_id" {
  description = "ID of a droplet without backups: this configuration turns daily backups on."
  type        = number
}

variable "db_droplet_id" {
  description = "ID of a droplet that may already have backups: this configuration adopts them and sets a weekly schedule."
  type        = number
}

variable "web_tag" {
  description = "Every droplet with this tag is power cycled once."
  type        = string
  default     = "web"
}

# Daily backups, window opening at 04:00 UTC (one enable_backups action).
resource "droplet_backups" "web" {
  droplet_id = var.web_droplet_id
  plan       = "daily"
  hour       = 4
}

# Weekly backups on Sunday at 20:00 UTC. If backups are already on, the resource adopts them and
# only changes the schedule (one change_backup_policy action).
resource "droplet_backups" "db" {
  droplet_id = var.db_droplet_id
  plan       = "weekly"
  weekday    = "SUN"
  hour       = 20
}

# Restart every droplet with the tag, with one API request, and wait until all of them are done.
# By tag DigitalOcean accepts power_cycle but not reboot; for a graceful reboot use droplet_id
# (with for_each over the droplets).
resource "droplet_action" "restart_web" {
  tag_name = var.web_tag
  type     = "power_cycle"

  # Not needed for correctness (a busy droplet is waited for), but it makes the order readable.
  depends_on = [droplet_backups.web]
}

# Read back what DigitalOcean now reports for db, including its existing backup images.
data "droplet_backups" "db" {
  droplet_id = droplet_backups.db.droplet_id
}

output "web_backups" {
  description = "The schedule DigitalOcean reports for the web droplet."
  value = {
    plan               = droplet_backups.web.plan
    hour               = droplet_backups.web.hour
    next_window_start  = droplet_backups.web.next_backup_window.start
    retention_days     = droplet_backups.web.retention_period_days
    window_length_hour = droplet_backups.web.window_length_hours
  }
}

output "db_backups" {
  description = "The schedule DigitalOcean reports for the db droplet."
  value = {
    plan              = droplet_backups.db.plan
    weekday           = droplet_backups.db.weekday
    hour              = droplet_backups.db.hour
    next_window_start = droplet_backups.db.next_backup_window.start
    retention_days    = droplet_backups.db.retention_period_days
  }
}

output "db_backup_images" {
  description = "The db droplet's backups, newest first: the IDs a restore action takes."
  value       = [for b in data.droplet_backups.db.backups : "${b.id} ${b.name} (${b.created_at})"]
}

output "power_cycled" {
  description = "The droplets that carried the tag, and the action run on each."
  value       = zipmap([for id in droplet_action.restart_web.droplet_ids : tostring(id)], droplet_action.restart_web.action_ids)
}
