package bench

import (
	"fmt"
	"math"
	"strings"
)

// The targets.
const (
	// budgetPerMinute is the provider's request budget: the wall target counts with it.
	budgetPerMinute = 200
	// accountPerMinute is DigitalOcean's per-minute limit.
	accountPerMinute = 250
	// slack is how far above the ideal and the floor a figure may be.
	slack = 1.1
	// maxRequestsVsPeer: at most this share of the official provider's requests.
	maxRequestsVsPeer = 0.35
	maxPerHour        = 5000
	// maxMemoryMB is the ceiling on the provider's memory at memoryScale resources.
	maxMemoryMB = 200
	memoryScale = 1000
	// listPage is how many droplets' policies one list request returns.
	listPage = 200
)

// Target is one target checked against one scenario's figures.
type Target struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

// floor is the fewest requests this provider can make for a scenario, and what they are: one
// action POST per resource, one poll per wave (one request answers every action of a wave),
// and the policy reads batched: one read per wave of the droplets the wave changed (a list
// page per 200 droplets of the account, or a request per droplet, whichever is fewer), plus,
// for a destroy or a plan, the refresh of every resource the same way.
func floor(sc Scenario) (int, string) {
	n := sc.applies()
	pages := ceilDiv(sc.AccountDroplets, listPage)
	refresh := min(sc.Resources, pages)
	if sc.Kind == KindPlan {
		return n * refresh, fmt.Sprintf("%d policy read(s) for %d resources", refresh, sc.Resources)
	}
	waves := sc.Waves()
	posts, polls := sc.Resources, waves
	reads := 0
	what := ""
	switch {
	case sc.Resource == ResourceReboot:
		// The check for a reboot already running is answered by the list page the polls read.
		reads, what = 1, "1 list of the latest actions"
	case sc.Kind == KindApply:
		reads = 1 + waves*min(sc.Parallelism, pages)
		what = fmt.Sprintf("%d policy reads (%d per wave, 1 first)", reads, min(sc.Parallelism, pages))
	default:
		reads = refresh + waves*min(sc.Parallelism, pages)
		what = fmt.Sprintf("%d policy reads (%d for the refresh, %d per wave)", reads, refresh, min(sc.Parallelism, pages))
	}
	total := n * (posts + polls + reads)
	detail := fmt.Sprintf("%d POSTs, %d polls, %s", posts, polls, what)
	if n > 1 {
		detail = fmt.Sprintf("%d × (%s)", n, detail)
	}
	return total, detail
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// evaluate fills in the floor, the ideal time, the ratios and the targets from the runs.
func evaluate(res *ScenarioResult, emu EmulatorSettings) {
	run, noop, peer := res.Runs[RunProvider], res.Runs[RunNoop], res.Runs[RunPeer]
	add := func(name string, pass bool, format string, args ...any) {
		res.Targets = append(res.Targets, Target{Name: name, Pass: pass, Detail: fmt.Sprintf(format, args...)})
	}
	res.Floor, res.FloorDetail = floor(res.Scenario)
	notes(res, run, noop, peer)
	if !run.OK() {
		add("this provider's run succeeds", false, "%s", errText(run))
		return
	}
	if res.Kind == KindPlan && run.PlanChanges {
		// A plan that wants changes did more than refresh; its figures are not the scenario's.
		add("plan is empty after apply", false, "the refresh found differences; see %s", run.Log)
	}

	if res.RunsActions() {
		res.ActionSeconds = emu.DurationFor(res.ActionType).Seconds()
		res.Waves = res.Scenario.Waves()
		waiting := res.ActionSeconds * float64(res.Waves)
		budgeted := float64(res.Floor) / budgetPerMinute * 60
		bound := fmt.Sprintf("%d wave(s) × %.0f s", res.Waves, res.ActionSeconds)
		if budgeted > waiting {
			bound = fmt.Sprintf("%d requests ÷ %d per minute", res.Floor, budgetPerMinute)
		}
		if noop.OK() {
			res.OverheadSeconds = noop.WallSeconds
			res.IdealSeconds = math.Max(waiting, budgeted) + res.OverheadSeconds
			res.Ratios.WallVsIdeal = run.WallSeconds / res.IdealSeconds
			limit := slack*math.Max(waiting, budgeted) + res.OverheadSeconds
			add("wall ≤ 1.1 × max(waves × action, floor ÷ budget) + no-op run", run.WallSeconds <= limit,
				"%s s vs %s s (1.1 × %.1f s for %s, + %.1f s no-op run)",
				secs(run.WallSeconds), secs(limit), math.Max(waiting, budgeted), bound, res.OverheadSeconds)
		} else {
			add("wall ≤ 1.1 × max(waves × action, floor ÷ budget) + no-op run", false, "no ideal: the no-op run failed: %s", errText(noop))
		}
		res.Ratios.RequestsVsFloor = ratio(float64(run.TotalRequests), float64(res.Floor))
		add("requests ≤ 1.1 × floor", float64(run.TotalRequests) <= slack*float64(res.Floor),
			"%d vs floor %d (%s): ×%.2f", run.TotalRequests, res.Floor, res.FloorDetail, res.Ratios.RequestsVsFloor)
	}
	if res.MaxRequests > 0 {
		add(fmt.Sprintf("requests ≤ %d", res.MaxRequests), run.TotalRequests <= res.MaxRequests,
			"%d requests (floor %d: %s)", run.TotalRequests, res.Floor, res.FloorDetail)
	}
	add("no 429s", run.RateLimited == 0, "%d × 429", run.RateLimited)
	if res.applies() > 1 {
		// Each process sees the others' requests only in its later answers; what matters is
		// that together they stay under the account's limit.
		add("peak ≤ 250 per 60 s (the account's limit)", run.PeakPerMinute <= accountPerMinute,
			"%d in the busiest 60 s, by %d processes with a budget of %d for the account", run.PeakPerMinute, res.applies(), budgetPerMinute)
	} else {
		add("peak ≤ 200 per 60 s", run.PeakPerMinute <= budgetPerMinute, "%d in the busiest 60 s", run.PeakPerMinute)
	}
	if run.WallSeconds < 3600 {
		add("≤ 5,000 in an hour", run.TotalRequests <= maxPerHour, "%d requests in all, in %.0f s", run.TotalRequests, run.WallSeconds)
	}
	if res.Resources >= memoryScale {
		add("provider memory ≤ 200 MB", run.MemoryMB > 0 && run.MemoryMB <= maxMemoryMB, "peak %.0f MB resident", run.MemoryMB)
	}
	if peer.OK() {
		res.Ratios.RequestsVsPeer = ratio(float64(run.TotalRequests), float64(peer.TotalRequests))
		res.Ratios.WallVsPeer = ratio(run.WallSeconds, peer.WallSeconds)
		add("requests ≤ 0.35 × the official provider", res.Ratios.RequestsVsPeer <= maxRequestsVsPeer,
			"%d vs %d: ×%.2f", run.TotalRequests, peer.TotalRequests, res.Ratios.RequestsVsPeer)
	}
}

func secs(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func errText(r *Run) string {
	switch {
	case r == nil:
		return "not run"
	case r.Error == "":
		return "ok"
	}
	return r.Error
}

// notes records what qualifies the figures.
func notes(res *ScenarioResult, run, noop, peer *Run) {
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	if noop != nil {
		for _, f := range noop.FailedAttempts {
			if noop.OK() {
				note("the no-op run failed once before it succeeded: %s", f)
			} else {
				note("the no-op run failed twice; the first time: %s", f)
			}
		}
	}
	if noop.OK() {
		polls := 0
		for route, n := range noop.Requests {
			if strings.HasPrefix(route, "GET /v2/actions") {
				polls += n
			}
		}
		if polls > res.Waves+1 {
			note("the no-op run listed or polled actions %d times although every action was completed in the "+
				"answer to its POST; its %.1f s include that", polls, noop.WallSeconds)
		}
	}
	if run != nil && run.Lane != "" {
		note("measured beside the other lanes (%s): its time is set by the request budget, not the CPU", run.Lane)
	}
	if peer.OK() {
		if peer.RateLimited > 0 {
			note("the official provider drew %d × 429 (peak %d requests in 60 s)", peer.RateLimited, peer.PeakPerMinute)
		}
		if a, b := total(peer.ActionsStarted), total(actionsOf(run)); a > b && b > 0 {
			note("the official provider started %d actions (%s) where this provider started %d", a, actionList(peer.ActionsStarted), b)
		}
	}
}

func actionsOf(r *Run) map[string]int {
	if r == nil {
		return nil
	}
	return r.ActionsStarted
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func actionList(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}
