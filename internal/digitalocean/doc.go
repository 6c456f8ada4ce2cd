// Package digitalocean is the DigitalOcean-facing half of the provider. It knows nothing of
// Terraform.
//
// Client wraps godo with its own HTTP stack (transport.go): retries for idempotent requests and
// 429s, a limiter per Client (limiter.go) that keeps the account within a per-minute request
// budget, counting other clients' requests from the API's rate-limit headers, never overdraws
// RateLimit-Remaining, and after a 429's Retry-After releases requests at the budget's pace, the
// bearer token added on a copy of each request, and logging with the token redacted.
//
// # The action runner
//
// Every droplet action runs through Client.Execute (runner.go), whatever asks for it: a
// resource, an action invoked on its own, a by-tag run. A Job names a droplet or a tag and
// either the action (Request) or a function that decides it from what the droplet holds
// (Decide); Execute returns one Result per droplet: the action in its last known state, whether
// it was adopted, why nothing was sent, or its own error. Nothing is joined for callers to take
// apart again.
//
//   - Start exactly once (start.go): action POSTs are never retried blindly. When a POST's
//     outcome is unknown, the droplet's recent actions show whether it began, judged by the
//     server's clock and by action IDs known before the attempt.
//   - Busy droplets (busy.go): a "pending event" refusal (status 422, id unprocessable_entity,
//     the documented message) waits for the running action with the shared waiter. A lock that
//     lists no running action is polled on the droplet, at most one request per 5 s, until the
//     context's deadline. Decide is called again after such a wait, because the action the
//     droplet was busy with may have made the change already.
//   - Adoption (claims.go): with Job.Adopt, an in-progress action of the same type that this
//     Client did not start (left by a command that timed out) is followed instead of starting
//     another. Claims live in the Client: the next command adopts, the same one never does, and
//     two jobs of one Client never share an action.
//   - Power (power.go): Job.SkipNoop sends nothing where it would change nothing, and a shutdown
//     with Job.ForceAfter falls back to power_off when the droplet is not off in time, or when
//     the shutdown errors (unless Job.NoForceOnError).
//   - Progress (progress.go): Job.Progress receives Events, started or adopted, busy, every
//     status change, a heartbeat at least every 10 s while waiting, done with its duration or
//     skipped with its reason; Event.String is a line for a person.
//
// Every wait and claim reads the Client's clock, so tests drive minutes of waiting in virtual
// time. Start and Wait are the runner's two halves on their own: a start exactly once that does
// not wait, and a wait for actions by ID.
//
// One waiter per Client (waiter.go) follows every in-flight action: it learns how long each
// action type takes, merges polls that fall due together, and answers many actions with one
// GET /v2/actions page. Backup policy reads (policies.go) and FindInProgress (finder.go) that
// arrive in bursts, as Terraform's parallel refreshes do, are answered from a few list pages
// instead of one request each.
package digitalocean
