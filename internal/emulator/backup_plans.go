package emulator

import (
	"fmt"
	"time"
)

type policy struct {
	plan    string
	weekday string
	hour    int
}

func (p policy) retentionDays() int {
	if p.plan == "weekly" {
		return weeklyRetentionDays
	}
	return dailyRetentionDays
}

// resolvePolicy merges a requested policy into cur (nil: a new daily policy)
// and validates it. Empty plan/weekday and a nil hour mean "not given": godo's
// helpers always send "weekday": "" and "plan": "".
func resolvePolicy(req *PolicySpec, cur *policy, defHour int) (policy, error) {
	p := policy{plan: "daily", hour: defHour}
	if cur != nil {
		p = *cur
	}
	if req == nil {
		return p, nil
	}
	if req.Plan != "" {
		if req.Plan != "daily" && req.Plan != "weekly" {
			return policy{}, invalid(fmt.Sprintf("invalid backup plan %q: must be one of daily, weekly", req.Plan))
		}
		p.plan = req.Plan
	}
	if req.Weekday != "" {
		if weekdayIndex(req.Weekday) < 0 {
			return policy{}, invalid(fmt.Sprintf("invalid backup weekday %q: must be one of SUN, MON, TUE, WED, THU, FRI, SAT", req.Weekday))
		}
		p.weekday = req.Weekday
	}
	if req.Hour != nil {
		if !validHour(*req.Hour) {
			return policy{}, invalid(fmt.Sprintf("invalid backup hour %d: must be one of 0, 4, 8, 12, 16, 20", *req.Hour))
		}
		p.hour = *req.Hour
	}
	switch p.plan {
	case "daily":
		// A weekday sent with a daily plan is ignored (the API omits weekday
		// from daily policies). Whether the real API rejects it is unknown.
		p.weekday = ""
	case "weekly":
		if p.weekday == "" {
			// The real API's answer to a weekly plan without a weekday is
			// undocumented; the emulator assumes it picks Sunday.
			p.weekday = "SUN"
		}
	}
	return p, nil
}

// nextWindowStart is the first start of a backup window strictly after t.
func nextWindowStart(p policy, t time.Time) time.Time {
	t = t.UTC()
	c := time.Date(t.Year(), t.Month(), t.Day(), p.hour, 0, 0, 0, time.UTC)
	if p.plan == "weekly" {
		want := time.Weekday(max(0, weekdayIndex(p.weekday)))
		for c.Weekday() != want || !c.After(t) {
			c = c.AddDate(0, 0, 1)
		}
		return c
	}
	for !c.After(t) {
		c = c.AddDate(0, 0, 1)
	}
	return c
}

// defaultHour is the backup hour given to a droplet whose policy names none.
// DigitalOcean picks the window itself; the emulator spreads droplets over
// the six windows by ID so the choice is stable.
func (s *Server) defaultHour(dropletID int) int {
	return backupHours[dropletID%len(backupHours)]
}
