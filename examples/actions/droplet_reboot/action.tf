# Reboot the web droplet by hand, whenever it is needed:
#   terraform apply -invoke=action.droplet_reboot.web
action "droplet_reboot" "web" {
  config {
    droplet_id = 3164444
  }
}

# Or reboot it whenever the application's configuration changes: a new hash updates
# terraform_data.web_config, and the update triggers the reboot. Nothing is kept in state.
variable "web_config" {
  description = "The web server's configuration file, as deployed to the droplet."
  type        = string
  default     = ""
}

resource "terraform_data" "web_config" {
  input = sha256(var.web_config)

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.droplet_reboot.web]
    }
  }
}
