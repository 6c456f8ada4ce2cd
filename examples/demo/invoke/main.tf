# The action `make demo` invokes when its Terraform supports actions (1.14 or later), in a working
# directory of its own: an invocation needs no state.
#   terraform apply -invoke=action.droplet_snapshot.db

terraform {
  required_version = ">= 1.14.0"

  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}

provider "droplet" {}

variable "db_droplet_id" {
  description = "ID of the droplet to snapshot."
  type        = number
}

# Snapshot the db droplet now, and report progress until DigitalOcean says it has completed.
action "droplet_snapshot" "db" {
  config {
    droplet_id = var.db_droplet_id
    name       = "demo-snapshot"
  }
}
