# Hard-reset every droplet tagged "web" (power off, then on), with one API request, and wait until
# all of them are back:
#   terraform apply -invoke=action.droplet_power_cycle.web
action "droplet_power_cycle" "web" {
  config {
    tag_name = "web"
  }
}

# The same for one droplet, with a shorter limit than the default 60m.
action "droplet_power_cycle" "stuck_worker" {
  config {
    droplet_id = 3164459
    timeout    = "5m"
  }
}
