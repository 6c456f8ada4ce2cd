package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// backupPlan is one backup plan as GET /v2/droplets/backups/supported_policies
// describes it, with what the emulator needs to schedule it.
type backupPlan struct {
	name         string
	every        time.Duration // from one window to the next
	windowStarts []int         // hours (UTC) the day's first window may open at
	windowHours  int
	days         []string // weekdays a weekly plan may take
	// retention is how many days a backup is kept; for usage-based plans it
	// is the default, and a policy may choose any value in
	// [minRetention, maxRetention].
	retention, minRetention, maxRetention int
	usageBased                            bool
}

// backupPlans are the plans, in the order supported_policies lists them.
//
// Usage-based plans are not in the API spec. DigitalOcean's product pages
// say that they run every 4, 6 or 12 hours, that their retention is chosen,
// and that every backup window lasts 4 hours; a third party saw the API take
// {"plan": "intra_daily_4h", "hour": 0, "window_length_hours": 4,
// "retention_period_days": 7}. Everything else about them here is a guess:
// the names intra_daily_6h and intra_daily_12h, that the first window of a
// day opens at a multiple of 4 below the interval, the retention range of 1
// to 30 days with 7 as the default, and how supported_policies shows that
// range (min_ and max_retention_period_days, fields the spec does not have).
// The product pages also sell usage-based daily and weekly plans with a
// chosen retention; how the API names those is unknown, so daily and weekly
// here are the basic plans only.
var backupPlans = []backupPlan{
	{name: "weekly", every: 7 * 24 * time.Hour, windowStarts: backupHours, windowHours: backupWindowHours,
		days: weekdays, retention: weeklyRetentionDays},
	{name: "daily", every: 24 * time.Hour, windowStarts: backupHours, windowHours: backupWindowHours,
		days: []string{}, retention: dailyRetentionDays},
	usageBasedPlan("intra_daily_4h", 4),
	usageBasedPlan("intra_daily_6h", 6),
	usageBasedPlan("intra_daily_12h", 12),
}

func usageBasedPlan(name string, everyHours int) backupPlan {
	var starts []int
	for h := 0; h < everyHours; h += backupWindowHours {
		starts = append(starts, h)
	}
	return backupPlan{name: name, every: time.Duration(everyHours) * time.Hour, windowStarts: starts,
		windowHours: backupWindowHours, days: []string{}, retention: usageBasedDefaultRetention,
		minRetention: 1, maxRetention: 30, usageBased: true}
}

// usageBasedDefaultRetention is the retention a usage-based policy gets when
// it names none: the value seen in the one observed request.
const usageBasedDefaultRetention = 7

// findPlan returns the plan of that name, whether or not the account offers it.
func findPlan(name string) (backupPlan, bool) {
	for _, p := range backupPlans {
		if p.name == name {
			return p, true
		}
	}
	return backupPlan{}, false
}

// offeredPlans are the plans the account offers now, in listing order.
func (s *Server) offeredPlans() []backupPlan {
	usage := *s.cfg.Load().UsageBasedBackups
	out := make([]backupPlan, 0, len(backupPlans))
	for _, p := range backupPlans {
		if usage || !p.usageBased {
			out = append(out, p)
		}
	}
	return out
}

// policy is a droplet's backup policy.
type policy struct {
	plan    string
	weekday string
	hour    int
	// retention is the chosen retention in days of a usage-based plan; 0
	// for the basic plans, whose retention is fixed.
	retention int
}

// backupPlan is the policy's plan. A droplet that never had backups has no
// plan: its manual backups are kept as long as daily ones.
func (p policy) backupPlan() backupPlan {
	name := p.plan
	if name == "" {
		name = "daily"
	}
	bp, _ := findPlan(name) // resolvePolicy admits known plans only
	return bp
}

func (p policy) retentionDays() int {
	if p.retention > 0 {
		return p.retention
	}
	return p.backupPlan().retention
}

func (p policy) windowHours() int { return p.backupPlan().windowHours }

// resolvePolicy merges a requested policy into cur (nil: a new daily policy)
// and validates it against the plans the account offers. Empty plan/weekday
// and a nil hour mean "not given": godo's helpers always send "weekday": ""
// and "plan": "".
func (s *Server) resolvePolicy(req *PolicySpec, cur *policy, dropletID int) (policy, error) {
	p := policy{plan: "daily", hour: s.defaultHour(dropletID)}
	if cur != nil {
		p = *cur
	}
	if req == nil {
		return p, nil
	}
	if req.Plan != "" && req.Plan != p.plan {
		offered := s.offeredPlans()
		i := slices.IndexFunc(offered, func(bp backupPlan) bool { return bp.name == req.Plan })
		if i < 0 {
			// The real message for an unknown plan is undocumented, and so is
			// the answer to a plan the account does not offer (assumed to be
			// the same 422).
			return policy{}, invalid(fmt.Sprintf("invalid backup plan %q: must be one of %s", req.Plan, planNames(offered)))
		}
		p.plan = req.Plan
		p.retention = 0 // a new plan starts from its own retention
	}
	plan := p.backupPlan()
	if req.Weekday != "" {
		if weekdayIndex(req.Weekday) < 0 {
			return policy{}, invalid(fmt.Sprintf("invalid backup weekday %q: must be one of SUN, MON, TUE, WED, THU, FRI, SAT", req.Weekday))
		}
		p.weekday = req.Weekday
	}
	switch {
	case req.Hour != nil && !slices.Contains(plan.windowStarts, *req.Hour):
		if plan.usageBased {
			return policy{}, invalid(fmt.Sprintf("invalid backup hour %d for plan %s: must be one of %s", *req.Hour, plan.name, joinInts(plan.windowStarts)))
		}
		return policy{}, invalid(fmt.Sprintf("invalid backup hour %d: must be one of %s", *req.Hour, joinInts(plan.windowStarts)))
	case req.Hour != nil:
		p.hour = *req.Hour
	case !slices.Contains(plan.windowStarts, p.hour):
		// A kept or default hour at which the new plan opens no window
		// becomes the plan's first window start (a guess).
		p.hour = plan.windowStarts[0]
	}
	if plan.usageBased {
		if n := req.WindowLengthHours; n != nil && *n != plan.windowHours {
			return policy{}, invalid(fmt.Sprintf("invalid window_length_hours %d for plan %s: must be %d", *n, plan.name, plan.windowHours))
		}
		if n := req.RetentionPeriodDays; n != nil {
			if *n < plan.minRetention || *n > plan.maxRetention {
				return policy{}, invalid(fmt.Sprintf("invalid retention_period_days %d for plan %s: must be between %d and %d",
					*n, plan.name, plan.minRetention, plan.maxRetention))
			}
			p.retention = *n
		}
		if p.retention == 0 {
			p.retention = plan.retention
		}
	}
	// Daily and weekly keep their fixed window and retention: the spec marks
	// window_length_hours and retention_period_days read-only, and whether
	// the real API refuses them for these plans or ignores them is unknown
	// (the emulator ignores them).
	switch p.plan {
	case "weekly":
		if p.weekday == "" {
			// The real API's answer to a weekly plan without a weekday is
			// undocumented; the emulator assumes it picks Sunday.
			p.weekday = "SUN"
		}
	default:
		// A weekday sent with any other plan is ignored (the API omits
		// weekday from daily policies). Whether the real API rejects it is
		// unknown.
		p.weekday = ""
	}
	return p, nil
}

// planNames lists plans for a message: the basic ones in alphabetical order
// (daily, weekly), then the usage-based ones by interval.
func planNames(plans []backupPlan) string {
	var basic, usage []string
	for _, p := range plans {
		if p.usageBased {
			usage = append(usage, p.name)
		} else {
			basic = append(basic, p.name)
		}
	}
	slices.Sort(basic)
	return strings.Join(append(basic, usage...), ", ")
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// nextWindowStart is the first start of a backup window strictly after t.
func nextWindowStart(p policy, t time.Time) time.Time {
	t = t.UTC()
	c := time.Date(t.Year(), t.Month(), t.Day(), p.hour, 0, 0, 0, time.UTC)
	switch plan := p.backupPlan(); {
	case p.plan == "weekly":
		want := time.Weekday(max(0, weekdayIndex(p.weekday)))
		for c.Weekday() != want || !c.After(t) {
			c = c.AddDate(0, 0, 1)
		}
	case plan.every < 24*time.Hour:
		// Windows open at hour, hour+every, … each day; every divides 24.
		for !c.After(t) {
			c = c.Add(plan.every)
		}
	default:
		for !c.After(t) {
			c = c.AddDate(0, 0, 1)
		}
	}
	return c
}

// defaultHour is the backup hour given to a droplet whose policy names none.
// DigitalOcean picks the window itself; the emulator spreads droplets over
// the six windows by ID so the choice is stable.
func (s *Server) defaultHour(dropletID int) int {
	return backupHours[dropletID%len(backupHours)]
}
