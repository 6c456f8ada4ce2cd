# The same reboot, written both ways. Keep one of them in a real configuration.
variable "web_config" {
  description = "The web server's configuration file, as deployed to the droplet."
  type        = string
  default     = ""
}

# droplet_action: any Terraform, and OpenTofu. The reboot is a resource: state records its action
# ID, status and times, and a new hash in `triggers` replaces it, which reboots again.
resource "droplet_action" "reboot_web" {
  droplet_id = 3164444
  type       = "reboot"
  triggers   = { config_sha256 = sha256(var.web_config) }
}

# The droplet_reboot action: Terraform 1.14 or later. Nothing is kept in state; the trigger runs it
# after terraform_data.web_config changes, and `terraform apply -invoke=action.droplet_reboot.web`
# runs it by hand.
action "droplet_reboot" "web" {
  config {
    droplet_id = 3164444
  }
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
