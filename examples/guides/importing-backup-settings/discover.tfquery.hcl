# Every droplet of the account with its backup settings, up to 1,000 (Terraform's default is 100).
list "droplet_backups" "all" {
  provider = droplet
  limit    = 1000
}
