# Terraform 1.5 and later: import by droplet ID with an import block.
import {
  to = droplet_backups.web
  id = "3164444"
}
