# Reinstall the droplet from a public image (a slug) or from one of your images (a numeric ID).
# Everything on its disk is replaced.
#   terraform apply -invoke=action.droplet_rebuild.scratch
action "droplet_rebuild" "scratch" {
  config {
    droplet_id = 3164444
    image      = "ubuntu-24-04-x64"
  }
}
