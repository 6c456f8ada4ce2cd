# Resize the database droplet whenever var.db_size changes: power off, resize, power on. The actions
# of one trigger run in the order listed, each once the previous one has completed.
variable "db_size" {
  description = "Size slug of the database droplet."
  type        = string
  default     = "s-2vcpu-4gb"
}

action "droplet_power_off" "db" {
  config {
    droplet_id = 3164471
  }
}

action "droplet_resize" "db" {
  config {
    droplet_id = 3164471
    size       = var.db_size
    disk       = false # true also grows the disk, which can never be undone
  }
}

action "droplet_power_on" "db" {
  config {
    droplet_id = 3164471
  }
}

resource "terraform_data" "db_size" {
  input = var.db_size

  lifecycle {
    action_trigger {
      events = [after_update]
      actions = [
        action.droplet_power_off.db,
        action.droplet_resize.db,
        action.droplet_power_on.db,
      ]
    }
  }
}
