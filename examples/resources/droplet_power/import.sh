# Import by droplet ID. The droplet's current status becomes `state`; shutdown and
# graceful_timeout take their defaults.
terraform import droplet_power.web 3164459
