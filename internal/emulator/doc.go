// Package emulator is an in-memory DigitalOcean API — droplets, droplet
// actions, backups and backup policies, snapshots, kernels, actions, images
// and image actions — served as an http.Handler. The provider's acceptance
// tests and the demo run against it, and cmd/droplet-emulator serves it so
// that Terraform modules can be tested offline.
//
// # API
//
// Endpoints, JSON shapes, status codes and pagination follow DigitalOcean's
// API v2 (the bundled OpenAPI description in testdata/ is checked by the
// tests): GET/POST/DELETE /v2/droplets, GET/DELETE /v2/droplets/{id},
// /v2/droplets/{id}/actions (GET, POST), /v2/droplets/actions?tag_name= (POST),
// /v2/droplets/{id}/actions/{action_id}, /v2/actions, /v2/actions/{id},
// /v2/droplets/{id}/backups, /snapshots, /kernels, /backups/policy,
// /v2/droplets/backups/policies, /v2/droplets/backups/supported_policies,
// /v2/images/{id} (GET, PUT, DELETE), /v2/images/{id}/actions (GET, POST) and
// /v2/images/{id}/actions/{action_id}.
//
// Every request needs "Authorization: Bearer <token>" with one of
// Options.Tokens. Every response carries RateLimit-Limit, RateLimit-Remaining
// and RateLimit-Reset; past the per-minute or per-hour sliding window (per
// token) the answer is 429 with Retry-After.
//
// # Behaviour
//
// An action is in-progress for Options.ActionDuration (or its per-type
// override in ActionDurations), then completed — or errored, when asked to
// fail (FailNextAction, ErroredRate) — and only then changes the droplet.
// While an action runs the droplet is locked and further actions get 422
// "Droplet already has a pending event.". Time is evaluated lazily on each
// request against Options.Now, so a test clock can move time without
// sleeping; scheduled backups are taken when their window opens and backups
// disappear when their retention (7 days daily, 28 days weekly, chosen for
// the usage-based plans) ends.
//
// Besides daily and weekly, backup policies take the usage-based plans
// intra_daily_4h, intra_daily_6h and intra_daily_12h, with
// window_length_hours and retention_period_days, unless
// Options.NoUsageBasedBackups (or the usage-based-backups setting) makes the
// account one that does not offer them. The API spec does not describe them;
// backup_plans.go says which parts are guesses.
//
// IDs come from separate ranges — droplets from 100000, images from
// 200000000, actions from 3000000000 — so an ID used for the wrong kind of
// object is a 404.
//
// Where DigitalOcean's answer is not documented, the code says so next to
// the choice it makes (for example the 422 for change_backup_policy on a
// droplet without backups).
//
// # Control endpoints
//
// Under /_emulator/, answered only to loopback clients, without a token, and
// never rate limited, faulted or counted in Stats. Bodies are decoded
// strictly: an unknown field, a value of the wrong type or a missing required
// field is a 400 whose message names the field.
//
//	GET    /_emulator/stats                              request counts per route pattern, actions started per type, peak per minute
//	DELETE /_emulator/stats                              zero the counters
//	GET    /_emulator/faults                             current run-time settings
//	PUT    /_emulator/faults                             change them; the names are the program's flags, absent fields are kept:
//	                                                     {"fault-rate":0.1,"lost-response-rate":0,"errored-rate":0,"latency":"50ms",
//	                                                      "rate-limit-per-minute":250,"rate-limit-per-hour":5000,
//	                                                      "action-duration":"2s","action-durations":{"snapshot":"20s"},
//	                                                      "usage-based-backups":true}
//	POST   /_emulator/reset                              back to the state at start
//	POST   /_emulator/droplets                           create an active droplet: {"name","region","size","image","tags","backups","backup_policy"}
//	POST   /_emulator/droplets/{id}/backups              take a backup now
//	PUT    /_emulator/droplets/{id}/ignore_shutdown      {"ignore": true}: shutdown completes, the droplet stays active
//	POST   /_emulator/droplets/{id}/fail_next_action     {"type": "power_off"} ("" = any type): the next one ends errored
//	PUT    /_emulator/droplets/{id}/backup_policy        {"enabled": true, "plan": "weekly", "weekday": "MON", "hour": 4}: change made outside the API
//	POST   /_emulator/droplets/{id}/actions              {"type": "reboot", "duration": "30s"}: an action started outside the API
//	PUT    /_emulator/droplets/{id}/lock                 {"duration": "30s", "hide_locked": false}: actions get the pending-event
//	                                                     422 with no action in progress; no duration = until DELETE
//	DELETE /_emulator/droplets/{id}/lock                 release that lock
//
// The same operations are methods on Server for tests in Go.
package emulator
