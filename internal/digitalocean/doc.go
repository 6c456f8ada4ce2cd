// Package digitalocean is the DigitalOcean-facing half of the provider. It knows nothing of
// Terraform.
//
// Client wraps godo with its own HTTP stack (transport.go): retries for idempotent requests and
// 429s, a limiter per Client (limiter.go) that keeps the account within a per-minute request
// budget, counting other clients' requests from the API's rate-limit headers, never overdraws
// RateLimit-Remaining, and after a 429's Retry-After releases requests at the budget's pace, the
// bearer token added on a copy of each request, and logging with the token redacted.
//
// Actions (actions.go) start exactly once: action POSTs are never retried blindly. When a
// POST's outcome is unknown, the droplet's recent actions show whether it began, judged by the
// server's clock and by action IDs known before the attempt; a droplet busy with another action
// is waited for, then the action starts. Converge goes further for changes that depend on what
// the droplet holds (backup policies): after waiting out a busy droplet it decides again from a
// fresh read, because the action it was busy with may have made the change already.
//
// One waiter per Client (waiter.go) follows every in-flight action: it learns how long each
// action type takes, merges polls that fall due together, and answers many actions with one
// GET /v2/actions page. Backup policy reads (policies.go) and FindInProgress (finder.go) that
// arrive in bursts, as Terraform's parallel refreshes do, are answered from a few list pages
// instead of one request each.
//
// Config.Strategy "baseline" turns the optimisations off and behaves like the official
// provider, so benchmarks can compare both with the same binary.
package digitalocean
