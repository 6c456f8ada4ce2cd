package digitalocean

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ActionRequest describes a droplet action. Only the fields its Type uses may be set.
type ActionRequest struct {
	Type         string
	Image        string // rebuild: slug or numeric ID; restore: numeric ID
	Size         string // resize
	Disk         bool   // resize: also grow the disk (permanent)
	Name         string // rename, snapshot
	Kernel       int    // change_kernel
	BackupPolicy *Policy
}

// Policy is the request side of a backup policy. Empty Weekday and nil pointers are not sent.
//
// WindowLengthHours and RetentionPeriodDays are settable only for usage-based plans
// (intra_daily_4h, intra_daily_6h, intra_daily_12h): DigitalOcean's spec marks them read-only,
// and godo cannot send them, so this package builds the body itself.
type Policy struct {
	Plan                string
	Weekday             string
	Hour                *int
	WindowLengthHours   *int
	RetentionPeriodDays *int
}

// clockSkew is how much earlier than our clock an action we started may appear to have begun
// on the server, while the server's clock is unknown: clock differences plus the API's
// whole-second timestamps.
const clockSkew = 5 * time.Second

// recentActionsPerPage is enough to see every action started in the last minutes on one
// droplet (or image).
const recentActionsPerPage = 20

// tagActionTypes are the action types DigitalOcean accepts for every droplet with a tag.
var tagActionTypes = []string{
	"power_cycle", "power_on", "power_off", "shutdown",
	"enable_ipv6", "enable_backups", "disable_backups", "snapshot",
}

// AllowedByTag reports whether DigitalOcean accepts the action type by tag
// (POST /v2/droplets/actions?tag_name=...).
func AllowedByTag(actionType string) bool { return slices.Contains(tagActionTypes, actionType) }

// body builds the JSON body of the action. It is built here rather than with godo's helpers,
// which send "weekday": "" for daily plans, always send "plan", and cannot send the fields of
// usage-based plans.
func (r ActionRequest) body() (map[string]any, error) {
	if r.Type == "" {
		return nil, fmt.Errorf("%w: action type is required", ErrInvalid)
	}
	b := map[string]any{"type": r.Type}
	if r.BackupPolicy != nil && r.Type != "enable_backups" && r.Type != "change_backup_policy" {
		return nil, fmt.Errorf("%w: a backup policy can only be sent with enable_backups or change_backup_policy, not %s", ErrInvalid, r.Type)
	}
	switch r.Type {
	case "enable_backups":
		if r.BackupPolicy != nil {
			b["backup_policy"] = r.BackupPolicy.body()
		}
	case "change_backup_policy":
		if r.BackupPolicy == nil {
			return nil, fmt.Errorf("%w: change_backup_policy needs a backup policy", ErrInvalid)
		}
		b["backup_policy"] = r.BackupPolicy.body()
	case "restore":
		id, err := strconv.Atoi(r.Image)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("%w: restore needs the numeric ID of a backup image, got %q", ErrInvalid, r.Image)
		}
		b["image"] = id
	case "rebuild":
		if r.Image == "" {
			return nil, fmt.Errorf("%w: rebuild needs an image slug or ID", ErrInvalid)
		}
		if id, err := strconv.Atoi(r.Image); err == nil {
			b["image"] = id
		} else {
			b["image"] = r.Image
		}
	case "resize":
		if r.Size == "" {
			return nil, fmt.Errorf("%w: resize needs a size slug", ErrInvalid)
		}
		b["size"] = r.Size
		b["disk"] = r.Disk
	case "rename":
		if r.Name == "" {
			return nil, fmt.Errorf("%w: rename needs a name", ErrInvalid)
		}
		b["name"] = r.Name
	case "snapshot":
		if r.Name != "" {
			b["name"] = r.Name
		}
	case "change_kernel":
		if r.Kernel < 1 {
			return nil, fmt.Errorf("%w: change_kernel needs a kernel ID", ErrInvalid)
		}
		b["kernel"] = r.Kernel
	}
	return b, nil
}

func (p Policy) body() map[string]any {
	b := map[string]any{}
	if p.Plan != "" {
		b["plan"] = p.Plan
	}
	if p.Weekday != "" {
		b["weekday"] = p.Weekday
	}
	if p.Hour != nil {
		b["hour"] = *p.Hour
	}
	if p.WindowLengthHours != nil {
		b["window_length_hours"] = *p.WindowLengthHours
	}
	if p.RetentionPeriodDays != nil {
		b["retention_period_days"] = *p.RetentionPeriodDays
	}
	return b
}

// describe names the policy in an error: plan, and the usage-based settings that were sent.
func (p *Policy) describe() string {
	if p == nil {
		return "the default backup plan"
	}
	s := "backup plan " + strconv.Quote(p.Plan)
	if p.Plan == "" {
		s = "the backup policy"
	}
	if p.WindowLengthHours != nil {
		s += fmt.Sprintf(", window %d h", *p.WindowLengthHours)
	}
	if p.RetentionPeriodDays != nil {
		s += fmt.Sprintf(", retention %d days", *p.RetentionPeriodDays)
	}
	return s
}

// target is what an action is started on.
type target struct {
	resourceType string // "droplet" or "image"
	id           int
	actionType   string
	policy       *Policy // sent with the action; named when DigitalOcean refuses it
}

func (t target) postPath() string {
	return fmt.Sprintf("v2/%ss/%d/actions", t.resourceType, t.id)
}

func (t target) String() string { return fmt.Sprintf("%s %d", t.resourceType, t.id) }
