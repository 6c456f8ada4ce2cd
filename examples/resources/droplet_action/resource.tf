# Reboot the web droplet whenever its configuration changes. A new hash replaces the resource,
# which runs the reboot again; an unchanged configuration runs nothing.
variable "web_config" {
  description = "The web server's configuration file, as deployed to the droplet."
  type        = string
}

resource "droplet_action" "reboot_web" {
  droplet_id = 3164444
  type       = "reboot"
  triggers = {
    config_sha256 = sha256(var.web_config)
  }
}

# Power off, resize, power on: depends_on orders the three actions, and each starts only once the
# previous one has completed. Changing var.db_size replaces all three (the triggers follow the
# size), so they run again in the same order.
variable "db_size" {
  description = "Size slug of the database droplet."
  type        = string
  default     = "s-2vcpu-4gb"
}

resource "droplet_action" "db_off" {
  droplet_id = 3164471
  type       = "power_off"
  triggers   = { size = var.db_size }
}

resource "droplet_action" "db_resize" {
  droplet_id = 3164471
  type       = "resize"
  size       = var.db_size
  disk       = false # true also grows the disk, which can never be undone

  depends_on = [droplet_action.db_off]
}

resource "droplet_action" "db_on" {
  droplet_id = 3164471
  type       = "power_on"
  triggers   = { size = var.db_size }

  depends_on = [droplet_action.db_resize]
}

# Restore a droplet from its newest backup, on request. Setting restore_request (an incident ID,
# say) restores once; changing it restores again from the then newest backup; null restores
# nothing. A backup taken later does not restore the droplet again by itself: the image is
# ignored after the first run.
variable "restore_request" {
  description = "Set to restore the app droplet from its newest backup; change it to restore again."
  type        = string
  default     = null
}

data "droplet_backups" "app" {
  droplet_id = 3164480
}

resource "droplet_action" "restore_app" {
  count = var.restore_request == null ? 0 : 1

  droplet_id = data.droplet_backups.app.droplet_id
  type       = "restore"
  image      = data.droplet_backups.app.backups[0].id
  triggers   = { request = var.restore_request }

  lifecycle {
    ignore_changes = [image]
    precondition {
      condition     = length(data.droplet_backups.app.backups) > 0
      error_message = "The app droplet has no backup to restore from."
    }
  }
}

# Snapshot every droplet tagged env:prod before a migration, with one API request, and wait for
# all the snapshots. A tag that matches no droplet is an error.
resource "droplet_action" "prod_snapshots" {
  tag_name = "env:prod"
  type     = "snapshot"
  name     = "before-migration-2025-06"
}
