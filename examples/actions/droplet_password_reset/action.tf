# Reset the root password; DigitalOcean e-mails the new one to the account's owner. The token needs
# the droplet:admin scope.
#   terraform apply -invoke=action.droplet_password_reset.bastion
action "droplet_password_reset" "bastion" {
  config {
    droplet_id = 3164444
  }
}
