// Package bench measures the provider the way users feel it: the real terraform binary runs
// against the emulator program (cmd/droplet-emulator) with per-request latency, realistic action
// durations and DigitalOcean's rate limits. The backups scenarios are also run, when one is
// configured, by the official DigitalOcean provider configured as its users do it, so that both
// are measured against the same emulator in the same run.
//
// Each measured command gets a fresh emulator process, so no run inherits another's requests,
// rate-limit window or droplet state. Work needed only to reach the starting state (creating
// droplets, importing them, applying the resources a plan or destroy scenario starts from) runs
// with the emulator's limits, latency and action durations lifted and is never counted.
package bench

import (
	"fmt"
	"math"
	"strings"
)

// Kind is the Terraform command a scenario measures.
type Kind string

const (
	KindApply   Kind = "apply"
	KindDestroy Kind = "destroy"
	KindPlan    Kind = "plan"
)

// Resource is what the generated configuration manages, one instance per droplet.
type Resource string

const (
	// ResourceBackups is droplet_backups with a fixed daily schedule (enable_backups on create,
	// disable_backups on destroy).
	ResourceBackups Resource = "backups"
	// ResourceReboot is droplet_action with type = "reboot".
	ResourceReboot Resource = "reboot"
)

// Scenario is one measured Terraform command.
type Scenario struct {
	// ID is stable and short; BENCH_SCENARIOS / -scenarios select by it.
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Kind     Kind     `json:"kind"`
	Resource Resource `json:"resource"`
	// Resources is the number of resource instances in the configuration (of each apply, when
	// several run at once).
	Resources int `json:"resources"`
	// AccountDroplets is the number of droplets in the account. The managed ones are created
	// last, so they come last in listing order and a client that reads the account page by page
	// cannot get lucky on page 1: without backups for an apply (every resource has an action to
	// run), with the configuration's daily backups for a plan or a destroy. The emulator seeds
	// the others (every other one with backups).
	AccountDroplets int `json:"account_droplets"`
	// Parallelism is Terraform's -parallelism (Terraform's default is 10).
	Parallelism int `json:"parallelism"`
	// ActionType is the droplet action each resource runs, for the ideal time; empty for plans.
	ActionType string `json:"action_type,omitempty"`
	// MaxRequests is a fixed ceiling on the scenario's API requests (0 = only the floor's).
	MaxRequests int `json:"max_requests,omitempty"`
	// Peer: the official provider runs the scenario too, when one is configured.
	Peer bool `json:"peer,omitempty"`
	// Applies is how many terraform applies run at once against one account, each with its own
	// Resources droplets (0 = one).
	Applies int `json:"applies,omitempty"`
	// Lane and PeerLane place the provider's and the peer's runs. Runs with an empty lane are
	// measured alone, one after the other; then the lanes run side by side, the runs of one lane
	// one after the other. Only runs whose time is set by the request budget or by the official
	// provider's fixed waits, not by the CPU, go in lanes.
	Lane     string `json:"lane,omitempty"`
	PeerLane string `json:"peer_lane,omitempty"`
}

// RunsActions reports whether the scenario waits for droplet actions, and so has an ideal time
// and the apply targets.
func (s Scenario) RunsActions() bool { return s.ActionType != "" }

// Waves is how many rounds of parallel actions Terraform needs: ceil(resources / parallelism).
func (s Scenario) Waves() int {
	if s.Parallelism <= 0 {
		return 0
	}
	return int(math.Ceil(float64(s.Resources) / float64(s.Parallelism)))
}

// applies is how many terraform processes the scenario runs at once.
func (s Scenario) applies() int { return max(1, s.Applies) }

// Standard returns the scenarios. With short set, every size is divided by ten (parallelism 50
// becomes 5), for a smoke run that still exercises every path.
func Standard(short bool) []Scenario {
	scale := func(n int) int {
		if short {
			return max(1, n/10)
		}
		return n
	}
	p50 := 50
	if short {
		p50 = 5
	}
	backups := func(id string, k Kind, n, p int) Scenario {
		s := Scenario{ID: id, Kind: k, Resource: ResourceBackups, Resources: scale(n), AccountDroplets: scale(n), Parallelism: p}
		switch k {
		case KindApply:
			s.ActionType = "enable_backups"
		case KindDestroy:
			s.ActionType = "disable_backups"
		}
		return s
	}
	withPeer := func(s Scenario, lane, peerLane string) Scenario {
		s.Peer, s.Lane, s.PeerLane = true, lane, peerLane
		return s
	}
	inLane := func(s Scenario, lane string) Scenario {
		s.Lane = lane
		return s
	}
	plan := func(id string, n, account, maxRequests int) Scenario {
		s := backups(id, KindPlan, n, 10)
		s.AccountDroplets, s.MaxRequests = scale(account), maxRequests
		return s
	}
	two := backups("two-applies", KindApply, 200, p50)
	two.Applies, two.AccountDroplets = 2, scale(400)
	return []Scenario{
		withPeer(backups("apply-backups", KindApply, 50, 10), "", "peer-50"),
		withPeer(backups("destroy-backups", KindDestroy, 50, 10), "", "peer-50"),
		withPeer(plan("plan-50", 50, 50, 2), "", "peer-50"),
		{ID: "apply-reboots", Kind: KindApply, Resource: ResourceReboot, Resources: scale(50), AccountDroplets: scale(50),
			Parallelism: 10, ActionType: "reboot"},
		backups("apply-parallel", KindApply, 100, p50),
		plan("plan-backups", 500, 500, 10),
		plan("plan-one", 1, 5000, 2),
		plan("plan-5000", 5000, 5000, 60),
		withPeer(backups("apply-200", KindApply, 200, 10), "mid", "peer-200"),
		withPeer(backups("destroy-200", KindDestroy, 200, 10), "mid", "peer-200"),
		withPeer(plan("plan-200", 200, 200, 2), "mid", "peer-200"),
		inLane(backups("apply-1000", KindApply, 1000, 10), "p10"),
		inLane(backups("destroy-1000", KindDestroy, 1000, 10), "p10"),
		inLane(backups("apply-1000-p50", KindApply, 1000, p50), "p50"),
		inLane(backups("destroy-1000-p50", KindDestroy, 1000, p50), "p50"),
		inLane(two, "p50"),
	}
}

// WithTitles fills in each scenario's title from its figures.
func WithTitles(ss []Scenario) []Scenario {
	out := make([]Scenario, len(ss))
	for i, s := range ss {
		if s.Title == "" {
			s.Title = s.describe()
		}
		out[i] = s
	}
	return out
}

func (s Scenario) describe() string {
	what := "droplet_backups"
	if s.Resource == ResourceReboot {
		what = "droplet_action reboots"
	}
	t := fmt.Sprintf("%s %d %s", s.Kind, s.Resources, what)
	if s.Applies > 1 {
		t = fmt.Sprintf("%d applies at once of %d %s each", s.Applies, s.Resources, what)
	}
	if s.AccountDroplets != s.Resources {
		t += fmt.Sprintf(" among %d droplets", s.AccountDroplets)
	}
	if s.Parallelism != 10 {
		t += fmt.Sprintf(" at -parallelism=%d", s.Parallelism)
	}
	return t
}

// Select keeps the scenarios whose IDs are listed (comma or space separated); an empty list keeps
// all. Unknown IDs are an error that lists the known ones.
func Select(all []Scenario, ids string) ([]Scenario, error) {
	fields := strings.FieldsFunc(ids, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 {
		return all, nil
	}
	byID := map[string]Scenario{}
	var known []string
	for _, s := range all {
		byID[s.ID] = s
		known = append(known, s.ID)
	}
	var out []Scenario
	for _, id := range fields {
		s, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("unknown scenario %q; known: %s", id, strings.Join(known, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}
