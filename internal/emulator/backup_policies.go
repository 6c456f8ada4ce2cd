package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Handlers for a droplet's backup policy, every droplet's policies and the
// plans the account offers.

func (s *Server) getBackupPolicy(r *http.Request, _ time.Time) response {
	return s.withDroplet(r, func(d *droplet) response {
		return response{http.StatusOK, struct {
			Policy PolicyRecord `json:"policy"`
		}{s.policyRecordLocked(d)}}
	})
}

func (s *Server) listBackupPolicies(r *http.Request, _ time.Time) response {
	s.rlock()
	defer s.mu.RUnlock()
	all := s.sortedDropletsLocked()
	start, end, l := page(r, len(all))
	out := make(map[string]PolicyRecord, end-start)
	for _, d := range all[start:end] {
		out[strconv.Itoa(d.id)] = s.policyRecordLocked(d)
	}
	return response{http.StatusOK, struct {
		Policies map[string]PolicyRecord `json:"policies"`
		Links    links                   `json:"links"`
		Meta     meta                    `json:"meta"`
	}{out, l, meta{len(all)}}}
}

// SupportedPolicies is what GET /v2/droplets/backups/supported_policies lists.
func SupportedPolicies() []SupportedPolicy {
	return []SupportedPolicy{
		{Name: "weekly", PossibleWindowStarts: slices.Clone(backupHours), WindowLengthHours: backupWindowHours,
			RetentionPeriodDays: weeklyRetentionDays, PossibleDays: slices.Clone(weekdays)},
		{Name: "daily", PossibleWindowStarts: slices.Clone(backupHours), WindowLengthHours: backupWindowHours,
			RetentionPeriodDays: dailyRetentionDays, PossibleDays: []string{}},
	}
}

func (s *Server) supportedPolicies(*http.Request, time.Time) response {
	return response{http.StatusOK, struct {
		SupportedPolicies []SupportedPolicy `json:"supported_policies"`
	}{SupportedPolicies()}}
}

func (s *Server) policyRecordLocked(d *droplet) PolicyRecord {
	r := PolicyRecord{DropletID: d.id, BackupEnabled: d.backups}
	if d.backups {
		p := &BackupPolicy{Plan: d.policy.plan, Hour: d.policy.hour,
			WindowLengthHours: backupWindowHours, RetentionPeriodDays: d.policy.retentionDays()}
		if d.policy.plan == "weekly" {
			p.Weekday = d.policy.weekday
		}
		r.BackupPolicy = p
		r.NextBackupWindow = &BackupWindow{Start: d.nextWindow, End: d.nextWindow.Add(backupWindowHours * time.Hour)}
	}
	return r
}
