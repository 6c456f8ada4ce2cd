# Quick actions: fail fast, so a stuck droplet is noticed long before a CI job is killed.
resource "droplet_backups" "web" {
  droplet_id = 3164444
  plan       = "daily"
  hour       = 4

  timeouts = {
    create = "10m"
    update = "10m"
    delete = "10m"
  }
}

# A snapshot of a large disk can take a long time: leave room for it.
resource "droplet_action" "nightly_snapshot" {
  droplet_id = 3164459
  type       = "snapshot"
  name       = "db-before-upgrade"

  timeouts = {
    create = "2h"
  }
}

# Powering off waits up to graceful_timeout for the guest, then powers off hard: the timeout must
# cover both, plus any action the droplet is still busy with.
resource "droplet_power" "batch" {
  droplet_id       = 3164471
  state            = "off"
  graceful_timeout = "3m"

  timeouts = {
    create = "10m"
    update = "10m"
  }
}
