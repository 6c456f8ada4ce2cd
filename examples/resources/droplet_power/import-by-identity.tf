# Terraform 1.12 and later: import by resource identity.
import {
  to = droplet_power.web
  identity = {
    droplet_id = 3164459
  }
}
