# Every droplet tagged "web", with its power state.
list "droplet_power" "web" {
  provider = droplet

  config {
    tag_name = "web"
  }
}
