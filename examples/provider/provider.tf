terraform {
  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}

# Every argument is optional. Without `token`, the provider reads DIGITALOCEAN_TOKEN, then
# DIGITALOCEAN_ACCESS_TOKEN: the official digitalocean provider's variables, so one environment
# serves both providers.
provider "droplet" {}
