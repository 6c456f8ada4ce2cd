# Boot every droplet tagged "batch" that is off; droplets that are already on are left alone.
#   terraform apply -invoke=action.droplet_power_on.batch
action "droplet_power_on" "batch" {
  config {
    tag_name = "batch"
  }
}
