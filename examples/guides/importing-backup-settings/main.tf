# Bring the backup settings of droplets that already exist under Terraform or OpenTofu, without
# changing them. The plan shows what DigitalOcean reports for each droplet; adjust the arguments
# until it shows no change, then apply (which only records the settings in the state).

variable "droplets" {
  description = "Droplets whose backups to manage, by name: the droplet ID each (for example from droplets.auto.tfvars.json)."
  type        = map(number)
  default = {
    web-1 = 3164444
    db-1  = 3164459
  }
}

resource "droplet_backups" "this" {
  for_each = var.droplets

  droplet_id = each.value
  # plan, weekday and hour left unset keep the droplet's current schedule. Add enabled = false for
  # droplets whose backups are off, or the plan turns them on.
}

# Terraform 1.7 and OpenTofu 1.7 or later: one import block for every droplet of the map.
import {
  for_each = var.droplets

  to = droplet_backups.this[each.key]
  id = tostring(each.value)
}
