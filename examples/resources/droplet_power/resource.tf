# Keep a droplet switched off. A graceful shutdown is tried first; if the guest has not stopped
# after graceful_timeout, the droplet is powered off hard.
resource "droplet_power" "batch" {
  droplet_id       = 3164444
  state            = "off"
  shutdown         = "graceful"
  graceful_timeout = "3m"
}

# Keep a droplet running: if someone switches it off in the control panel, the next plan shows it
# and the next apply switches it back on.
resource "droplet_power" "web" {
  droplet_id = 3164459
  state      = "on"
}

# Power off, resize with droplet_action, power on, all in one apply. Changing var.db_size runs the
# three steps again in that order:
#   1. droplet_action.db_off    runs power_off (its triggers change with the size);
#   2. droplet_action.db_resize resizes the switched-off droplet;
#   3. droplet_power.db         is replaced because the resize was, and its create switches the
#                               droplet back on (destroying a droplet_power only forgets it).
variable "db_size" {
  description = "Size slug of the database droplet."
  type        = string
  default     = "s-2vcpu-4gb"
}

resource "droplet_action" "db_off" {
  droplet_id = 3164471
  type       = "power_off"
  triggers   = { size = var.db_size }
}

resource "droplet_action" "db_resize" {
  droplet_id = 3164471
  type       = "resize"
  size       = var.db_size
  disk       = false # true also grows the disk, which can never be undone

  depends_on = [droplet_action.db_off]
}

resource "droplet_power" "db" {
  droplet_id = 3164471
  state      = "on"

  depends_on = [droplet_action.db_resize]
  lifecycle {
    replace_triggered_by = [droplet_action.db_resize]
  }
}
