package providerutil

import "slices"

// Backup plan names. daily and weekly are the plans the API documents. The usage-based plans (a
// backup every 4, 6 or 12 hours, kept as long as chosen) are not in the API spec: the API was
// seen to accept intra_daily_4h, and the names of the 6- and 12-hour plans are inferred from it.
const (
	BackupPlanDaily         = "daily"
	BackupPlanWeekly        = "weekly"
	BackupPlanIntraDaily4h  = "intra_daily_4h"
	BackupPlanIntraDaily6h  = "intra_daily_6h"
	BackupPlanIntraDaily12h = "intra_daily_12h"
)

// The values a backup policy can be configured with, shared by droplet_backups and the
// backup_policy argument of droplet_action.
var (
	BackupPlans = []string{BackupPlanDaily, BackupPlanWeekly,
		BackupPlanIntraDaily4h, BackupPlanIntraDaily6h, BackupPlanIntraDaily12h}
	// UsageBasedBackupPlans are the plans whose retention (and window length) can be chosen.
	UsageBasedBackupPlans = []string{BackupPlanIntraDaily4h, BackupPlanIntraDaily6h, BackupPlanIntraDaily12h}
	BackupWeekdays        = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	// BackupHours are the UTC hours at which the six 4-hour backup windows of a day open.
	BackupHours = []int64{0, 4, 8, 12, 16, 20}
)

// usageBasedIntervals are the hours from one backup of a usage-based plan to the next.
var usageBasedIntervals = map[string]int64{
	BackupPlanIntraDaily4h:  4,
	BackupPlanIntraDaily6h:  6,
	BackupPlanIntraDaily12h: 12,
}

// IsUsageBasedPlan reports whether plan is one of the usage-based plans.
func IsUsageBasedPlan(plan string) bool { return slices.Contains(UsageBasedBackupPlans, plan) }

// UsageBasedInterval is the hours between two backups of a usage-based plan, 0 for other plans.
func UsageBasedInterval(plan string) int64 { return usageBasedIntervals[plan] } // 0 when absent

// BackupPlanHours are the values `hour` may take with plan: the day's window starts for daily and
// weekly; for a usage-based plan, the 4-hour window starts below its interval (0 for every 4
// hours; 0 or 4 for every 6; 0, 4 or 8 for every 12), the first of the day's evenly spaced
// windows. Nothing documents the latter: it is a guess, and when the provider is configured the
// account's supported_policies is checked as well. Nil for a plan this provider does not know.
func BackupPlanHours(plan string) []int64 {
	switch {
	case plan == BackupPlanDaily || plan == BackupPlanWeekly:
		return BackupHours
	case IsUsageBasedPlan(plan):
		var out []int64
		for _, h := range BackupHours {
			if h < UsageBasedInterval(plan) {
				out = append(out, h)
			}
		}
		return out
	default:
		return nil
	}
}
