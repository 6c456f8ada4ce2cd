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

// SupportedPolicies is what GET /v2/droplets/backups/supported_policies lists
// with the default options: the basic plans, then the usage-based ones.
func SupportedPolicies() []SupportedPolicy { return supportedPolicyViews(backupPlans) }

// SupportedPolicies is what this Server's supported_policies lists now: without
// the usage-based plans when they are switched off.
func (s *Server) SupportedPolicies() []SupportedPolicy { return supportedPolicyViews(s.offeredPlans()) }

func supportedPolicyViews(plans []backupPlan) []SupportedPolicy {
	out := make([]SupportedPolicy, 0, len(plans))
	for _, p := range plans {
		out = append(out, SupportedPolicy{
			Name: p.name, PossibleWindowStarts: slices.Clone(p.windowStarts), WindowLengthHours: p.windowHours,
			RetentionPeriodDays: p.retention, PossibleDays: slices.Clone(p.days),
			MinRetentionPeriodDays: p.minRetention, MaxRetentionPeriodDays: p.maxRetention,
		})
	}
	return out
}

func (s *Server) supportedPolicies(*http.Request, time.Time) response {
	return response{http.StatusOK, struct {
		SupportedPolicies []SupportedPolicy `json:"supported_policies"`
	}{s.SupportedPolicies()}}
}

func (s *Server) policyRecordLocked(d *droplet) PolicyRecord {
	r := PolicyRecord{DropletID: d.id, BackupEnabled: d.backups}
	if d.backups {
		p := &BackupPolicy{Plan: d.policy.plan, Hour: d.policy.hour,
			WindowLengthHours: d.policy.windowHours(), RetentionPeriodDays: d.policy.retentionDays()}
		if d.policy.plan == "weekly" {
			p.Weekday = d.policy.weekday
		}
		r.BackupPolicy = p
		r.NextBackupWindow = nextWindowView(d)
	}
	return r
}
