# Rename the droplet (for droplets the official provider does not manage; for those it does, set
# `name` on digitalocean_droplet instead).
#   terraform apply -invoke=action.droplet_rename.legacy
action "droplet_rename" "legacy" {
  config {
    droplet_id = 3164444
    name       = "legacy-web-1"
  }
}
