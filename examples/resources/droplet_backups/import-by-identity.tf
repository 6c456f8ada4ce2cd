# Terraform 1.12 and later: import by resource identity.
import {
  to = droplet_backups.web
  identity = {
    droplet_id = 3164444
  }
}
