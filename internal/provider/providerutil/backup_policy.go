package providerutil

// Backup plan names the API documents. DigitalOcean also sells usage-based plans with other
// names; those are read and stored as reported, but only these two can be configured.
const (
	BackupPlanDaily  = "daily"
	BackupPlanWeekly = "weekly"
)

// The values a backup policy can be configured with, shared by droplet_backups and the
// backup_policy argument of droplet_action.
var (
	BackupPlans    = []string{BackupPlanDaily, BackupPlanWeekly}
	BackupWeekdays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	// BackupHours are the UTC hours at which the six 4-hour backup windows of a day open.
	BackupHours = []int64{0, 4, 8, 12, 16, 20}
)
