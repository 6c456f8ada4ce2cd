# Power the droplet off hard (like pulling the plug). Nothing is started when it is already off.
#   terraform apply -invoke=action.droplet_power_off.db
action "droplet_power_off" "db" {
  config {
    droplet_id = 3164471
  }
}
