# Bring the backup settings of droplets that already exist under Terraform, without changing them.
# `terraform plan` shows what DigitalOcean reports for each; adjust the arguments until the plan
# is empty, then apply (which only records the settings in the state).

variable "droplets" {
  description = "Droplets whose backups to manage, by name: the droplet ID each."
  type        = map(number)
  default = {
    web = 3164444
    db  = 3164459
  }
}

resource "droplet_backups" "this" {
  for_each = var.droplets

  droplet_id = each.value
  plan       = "weekly"
  weekday    = "SUN"
  hour       = 0
}

# Terraform 1.5 and later: one import block per droplet.
import {
  to = droplet_backups.this["web"]
  id = "3164444"
}

import {
  to = droplet_backups.this["db"]
  id = "3164459"
}
