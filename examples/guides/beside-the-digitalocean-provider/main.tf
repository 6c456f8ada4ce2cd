terraform {
  required_providers {
    digitalocean = {
      source = "digitalocean/digitalocean"
    }
    droplet = {
      source = "dropletops/droplet"
    }
  }
}

# Both providers read DIGITALOCEAN_TOKEN, so neither needs arguments.
provider "digitalocean" {}
provider "droplet" {}

# The official provider owns the droplet...
resource "digitalocean_droplet" "web" {
  name   = "web-1"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["web"]

  lifecycle {
    # ...but not its backups: droplet_backups.web owns them. Without this, the official provider
    # reads `backups = true` back from the droplet, compares it with its default `false`, and its
    # next apply turns backups off again.
    ignore_changes = [backups, backup_policy]
  }
}

# ...and this provider owns its backup schedule, read back on every refresh.
resource "droplet_backups" "web" {
  droplet_id = digitalocean_droplet.web.id
  plan       = "weekly"
  weekday    = "SUN"
  hour       = 4
}

# Reboot whenever the application's configuration changes.
resource "droplet_action" "reboot_web" {
  droplet_id = digitalocean_droplet.web.id
  type       = "reboot"
  triggers = {
    config = sha256(var.app_config)
  }

  depends_on = [droplet_backups.web]
}

variable "app_config" {
  description = "The application's configuration; a change reboots the droplet."
  type        = string
  default     = ""
}
