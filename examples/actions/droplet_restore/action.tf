# Restore the app droplet from its newest backup, on request:
#   terraform apply -invoke=action.droplet_restore.app
data "droplet_backups" "app" {
  droplet_id = 3164480
}

action "droplet_restore" "app" {
  config {
    droplet_id = data.droplet_backups.app.droplet_id
    image      = data.droplet_backups.app.backups[0].id # the numeric ID of a backup of this droplet
  }
}
