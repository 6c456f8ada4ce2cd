# Every droplet of the account, with its backup settings. Terraform stops at 100 results per list
# block unless `limit` says otherwise.
list "droplet_backups" "all" {
  provider = droplet
  limit    = 1000
}
