# Shut down every droplet tagged "batch" gracefully. A droplet whose guest is still running two
# minutes later is powered off hard. A droplet that is already off is left alone.
#   terraform apply -invoke=action.droplet_shutdown.batch
action "droplet_shutdown" "batch" {
  config {
    tag_name    = "batch"
    force_after = "2m"
  }
}
