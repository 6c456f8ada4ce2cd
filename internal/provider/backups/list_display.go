package backups

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
	"github.com/dropletops/terraform-provider-droplet/internal/provider/providerutil"
)

// intraDailyPlan matches the usage-based plans that back up every few hours, such as
// intra_daily_4h.
var intraDailyPlan = regexp.MustCompile(`^intra_daily_([0-9]+)h$`)

// listDisplayName is what `terraform query` shows for a droplet: its name and ID, then its
// backup schedule in a few words, so a long list can be scanned by eye. Hours are UTC:
//
//	web-1 (100001): weekly SUN 04:00
//	db-1 (100002): daily 20:00
//	api (100003): every 4 h, kept 7 days
//	batch (100004): backups off
func listDisplayName(name string, dropletID int, p *digitalocean.BackupPolicy) string {
	who := fmt.Sprintf("%s (%d)", name, dropletID)
	if name == "" {
		who = fmt.Sprintf("droplet %d", dropletID)
	}
	return who + ": " + describeSchedule(p)
}

func describeSchedule(p *digitalocean.BackupPolicy) string {
	if p == nil || !p.Enabled {
		return "backups off"
	}
	at := ""
	if p.Hour != nil {
		at = fmt.Sprintf(" %02d:00", *p.Hour)
	}
	switch m := intraDailyPlan.FindStringSubmatch(p.Plan); {
	case p.Plan == "":
		return "backups on" + at
	case p.Plan == providerutil.BackupPlanDaily:
		return "daily" + at
	case p.Plan == providerutil.BackupPlanWeekly && p.Weekday != "":
		return "weekly " + p.Weekday + at
	case m != nil:
		// The start hour says little for a plan that runs several times a day; how long each
		// backup is kept says more.
		s := "every " + m[1] + " h"
		if p.RetentionPeriodDays > 0 {
			s += ", kept " + strconv.Itoa(p.RetentionPeriodDays) + " days"
		}
		return s
	default:
		// A plan this provider does not know yet is shown by its name.
		return p.Plan + at
	}
}
