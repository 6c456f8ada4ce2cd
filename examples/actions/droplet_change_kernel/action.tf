# Switch a droplet with an externally managed kernel (created before March 2017) to another
# kernel, by its ID from GET /v2/droplets/{id}/kernels. Reboot afterwards to boot it.
#   terraform apply -invoke=action.droplet_change_kernel.old
action "droplet_change_kernel" "old" {
  config {
    droplet_id = 3164444
    kernel     = 7515
  }
}
