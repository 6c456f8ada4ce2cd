# Add IPv6 to every droplet tagged "web". It cannot be undone, and the guest needs configuring too.
#   terraform apply -invoke=action.droplet_enable_ipv6.web
action "droplet_enable_ipv6" "web" {
  config {
    tag_name = "web"
  }
}
