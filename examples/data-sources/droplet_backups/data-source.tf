# The backup policy and the backups of a droplet, newest first.
data "droplet_backups" "web" {
  droplet_id = 3164444
}

output "web_backup_schedule" {
  value = data.droplet_backups.web.enabled ? "${data.droplet_backups.web.plan} at ${data.droplet_backups.web.hour}:00 UTC" : "off"
}

# The newest backup's ID is what a restore needs. Copy it into the configuration of a
# droplet_action with type = "restore" rather than referencing it: the list changes every day,
# and a reference would restore again each time it does.
output "web_latest_backup_id" {
  value = length(data.droplet_backups.web.backups) > 0 ? data.droplet_backups.web.backups[0].id : null
}

# Give another droplet the same schedule.
resource "droplet_backups" "web_replica" {
  droplet_id = 3164459
  plan       = data.droplet_backups.web.plan
  weekday    = data.droplet_backups.web.weekday
  hour       = data.droplet_backups.web.hour
}
