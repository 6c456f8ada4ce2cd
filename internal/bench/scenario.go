// Package bench measures the provider the way users feel it: the real terraform binary runs
// against the emulator program (cmd/droplet-emulator) with per-request latency and realistic action
// durations, and every scenario is measured for the provider's own strategy and for a baseline that
// behaves like the official DigitalOcean provider, in the same run.
//
// Each measured command gets a fresh emulator process, so no scenario inherits another's requests,
// rate-limit window or droplet state. Work needed only to reach the starting state (creating
// droplets, applying the resources a plan scenario refreshes) runs with the emulator's limits,
// latency and action durations lifted and is never counted.
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
	// Resources is the number of resource instances in the configuration.
	Resources int `json:"resources"`
	// AccountDroplets is the number of droplets in the account. When it equals Resources and
	// FreshDroplets is set, the droplets are created without backups so that every resource has
	// an action to run; otherwise the emulator seeds them (every other one with backups) and the
	// configuration manages the last Resources of them in listing order, so a client that reads
	// the account page by page cannot get lucky on page 1.
	AccountDroplets int  `json:"account_droplets"`
	FreshDroplets   bool `json:"fresh_droplets"`
	// Parallelism is Terraform's -parallelism (Terraform's default is 10).
	Parallelism int `json:"parallelism"`
	// ActionType is the droplet action each resource runs, for the ideal time; empty for plans.
	ActionType string `json:"action_type,omitempty"`
	// MaxRequests is the ceiling on API requests for the scenario (0 = none beyond the
	// ratio to baseline).
	MaxRequests int `json:"max_requests,omitempty"`
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

// Standard returns the scenarios of the issue. With short set, every size is divided by ten (and
// the parallel scenario keeps two waves), for a smoke run that still exercises every path.
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
	return []Scenario{
		{
			ID: "apply-backups", Kind: KindApply, Resource: ResourceBackups,
			Resources: scale(50), AccountDroplets: scale(50), FreshDroplets: true,
			Parallelism: 10, ActionType: "enable_backups",
		},
		{
			ID: "destroy-backups", Kind: KindDestroy, Resource: ResourceBackups,
			Resources: scale(50), AccountDroplets: scale(50), FreshDroplets: true,
			Parallelism: 10, ActionType: "disable_backups",
		},
		{
			ID: "apply-reboots", Kind: KindApply, Resource: ResourceReboot,
			Resources: scale(50), AccountDroplets: scale(50), FreshDroplets: true,
			Parallelism: 10, ActionType: "reboot",
		},
		{
			ID: "plan-backups", Kind: KindPlan, Resource: ResourceBackups,
			Resources: scale(500), AccountDroplets: scale(500), Parallelism: 10, MaxRequests: 10,
		},
		{
			ID: "plan-one", Kind: KindPlan, Resource: ResourceBackups,
			Resources: 1, AccountDroplets: scale(5000), Parallelism: 10, MaxRequests: 2,
		},
		{
			ID: "apply-parallel", Kind: KindApply, Resource: ResourceBackups,
			Resources: scale(100), AccountDroplets: scale(100), FreshDroplets: true,
			Parallelism: p50, ActionType: "enable_backups",
		},
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
