# Weekly backups on Sunday, in the window that opens at 04:00 UTC. The policy is sent with the
# enable action itself; later changes are one change_backup_policy action each.
resource "droplet_backups" "web" {
  droplet_id = 3164444
  plan       = "weekly"
  weekday    = "SUN"
  hour       = 4
}

# A usage-based plan: a backup every 6 hours, from the window that opens at 04:00 UTC (then 10:00,
# 16:00 and 22:00), each kept 14 days. Moving to or from daily or weekly later is one
# change_backup_policy action, in place. retention_period_days (and window_length_hours) can only
# be set with the intra_daily_4h, intra_daily_6h and intra_daily_12h plans.
resource "droplet_backups" "orders" {
  droplet_id            = 3164452
  plan                  = "intra_daily_6h"
  hour                  = 4
  retention_period_days = 14
}

# DigitalOcean's defaults: daily backups, in a window DigitalOcean picks. The chosen plan and
# hour are stored and later plans stay empty; a change made in the control panel shows as a diff.
resource "droplet_backups" "api" {
  droplet_id = 3164459
}

# Backups kept off. Before they are turned off (here, or by destroying the resource), every
# existing backup is converted into a snapshot, so nothing is lost when their retention ends.
resource "droplet_backups" "scratch" {
  droplet_id                  = 3164471
  enabled                     = false
  snapshot_backups_on_disable = true

  timeouts = {
    update = "2h" # conversions of large backups take a while
    delete = "2h"
  }
}

# Beside the official provider: it creates the droplet, this resource owns the backups. Leave
# `backups` and `backup_policy` unset on the droplet and ignore them there, or each provider
# undoes the other's changes.
resource "digitalocean_droplet" "db" {
  name   = "db-1"
  region = "nyc3"
  size   = "s-2vcpu-4gb"
  image  = "ubuntu-24-04-x64"

  lifecycle {
    ignore_changes = [backups, backup_policy]
  }
}

resource "droplet_backups" "db" {
  droplet_id = digitalocean_droplet.db.id
  plan       = "daily"
  hour       = 20
}
