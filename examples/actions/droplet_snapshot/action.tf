# Snapshot every droplet tagged env:prod before each release, with one API request, and wait for
# all the snapshots. The images stay after the release: this is an event, not an object.
variable "release" {
  description = "The release being deployed; changing it takes the snapshots first."
  type        = string
  default     = "2025.06.1"
}

action "droplet_snapshot" "prod" {
  config {
    tag_name = "env:prod"
    name     = "before-${var.release}"
    timeout  = "2h" # a snapshot of a large disk takes a while
  }
}

resource "terraform_data" "release" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_update]
      actions = [action.droplet_snapshot.prod]
    }
  }
}
