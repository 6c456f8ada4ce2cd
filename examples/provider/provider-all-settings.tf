# Every setting spelled out, in a second (aliased) configuration: a token of its own and a
# client-side request budget, for example for a pipeline that shares its token with other jobs.
provider "droplet" {
  alias = "pipeline"

  token               = var.pipeline_token
  api_endpoint        = "https://api.digitalocean.com"
  http_retry_max      = 4
  http_retry_wait_min = 1
  http_retry_wait_max = 30
  requests_per_second = 2
}

variable "pipeline_token" {
  description = "DigitalOcean API token for the pipeline."
  type        = string
  sensitive   = true
}
