# Only droplets tagged "web" whose backups are off: the ones still to set up.
list "droplet_backups" "web_without_backups" {
  provider = droplet

  config {
    tag_name = "web"
    enabled  = false
  }
}
