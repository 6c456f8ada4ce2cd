# Import by droplet ID. Every attribute is read from DigitalOcean; snapshot_backups_on_disable
# takes its default (false).
terraform import droplet_backups.web 3164444
