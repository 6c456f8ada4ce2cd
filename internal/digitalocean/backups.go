package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/digitalocean/godo"
)

// BackupPolicy is what DigitalOcean says about a droplet's backups.
type BackupPolicy struct {
	DropletID           int
	Enabled             bool
	Plan, Weekday       string
	Hour                *int // nil when the API sends none (backups off)
	WindowLengthHours   int
	RetentionPeriodDays int
	NextWindowStart     *time.Time
	NextWindowEnd       *time.Time
}

func (p *BackupPolicy) clone() *BackupPolicy {
	if p == nil {
		return nil
	}
	q := *p
	if p.Hour != nil {
		h := *p.Hour
		q.Hour = &h
	}
	if p.NextWindowStart != nil {
		t := *p.NextWindowStart
		q.NextWindowStart = &t
	}
	if p.NextWindowEnd != nil {
		t := *p.NextWindowEnd
		q.NextWindowEnd = &t
	}
	return &q
}

// policyRecord is the API's policy record. It is decoded with our own struct because godo's
// turns an absent hour into 0 and cannot tell the two apart.
type policyRecord struct {
	DropletID     int  `json:"droplet_id"`
	BackupEnabled bool `json:"backup_enabled"`
	BackupPolicy  *struct {
		Plan                string `json:"plan"`
		Weekday             string `json:"weekday"`
		Hour                *int   `json:"hour"`
		WindowLengthHours   int    `json:"window_length_hours"`
		RetentionPeriodDays int    `json:"retention_period_days"`
	} `json:"backup_policy"`
	NextBackupWindow *struct {
		Start *godo.Timestamp `json:"start"`
		End   *godo.Timestamp `json:"end"`
	} `json:"next_backup_window"`
}

func (r *policyRecord) policy(dropletID int) *BackupPolicy {
	p := &BackupPolicy{DropletID: r.DropletID, Enabled: r.BackupEnabled}
	if p.DropletID == 0 {
		p.DropletID = dropletID
	}
	if bp := r.BackupPolicy; bp != nil {
		p.Plan, p.Weekday = bp.Plan, bp.Weekday
		if bp.Hour != nil {
			h := *bp.Hour
			p.Hour = &h
		}
		p.WindowLengthHours, p.RetentionPeriodDays = bp.WindowLengthHours, bp.RetentionPeriodDays
	}
	if w := r.NextBackupWindow; w != nil {
		if w.Start != nil {
			t := w.Start.Time
			p.NextWindowStart = &t
		}
		if w.End != nil {
			t := w.End.Time
			p.NextWindowEnd = &t
		}
	}
	return p
}

// BackupPolicy returns the droplet's backup policy, or ErrNotFound when the droplet is gone.
// Calls that arrive close together are answered from a few list requests instead of one
// request each (see policyReader).
func (c *Client) BackupPolicy(ctx context.Context, dropletID int) (*BackupPolicy, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	return c.policies.get(ctx, dropletID)
}

// getPolicy reads one droplet's policy with GET /v2/droplets/{id}/backups/policy.
func (c *Client) getPolicy(ctx context.Context, dropletID int) (*BackupPolicy, error) {
	var root struct {
		Policy *policyRecord `json:"policy"`
	}
	if _, err := c.do(ctx, http.MethodGet, fmt.Sprintf("v2/droplets/%d/backups/policy", dropletID), nil, &root); err != nil {
		return nil, fmt.Errorf("reading backup policy of droplet %d: %w", dropletID, err)
	}
	if root.Policy == nil {
		return nil, fmt.Errorf("reading backup policy of droplet %d: %w: the answer held no policy", dropletID, ErrServer)
	}
	return root.Policy.policy(dropletID), nil
}

// Backups lists the droplet's backup images, newest first, all pages.
func (c *Client) Backups(ctx context.Context, dropletID int) ([]godo.Image, error) {
	if dropletID < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, dropletID)
	}
	var out []godo.Image
	for page := 1; ; page++ {
		var root struct {
			Backups []godo.Image `json:"backups"`
			Links   *godo.Links  `json:"links"`
		}
		if _, err := c.do(ctx, http.MethodGet, fmt.Sprintf("v2/droplets/%d/backups?page=%d&per_page=200", dropletID, page), nil, &root); err != nil {
			return nil, fmt.Errorf("listing backups of droplet %d: %w", dropletID, err)
		}
		out = append(out, root.Backups...)
		if len(root.Backups) == 0 || root.Links == nil || root.Links.IsLastPage() {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, ei := time.Parse(time.RFC3339, out[i].Created)
		tj, ej := time.Parse(time.RFC3339, out[j].Created)
		if ei == nil && ej == nil && !ti.Equal(tj) {
			return ti.After(tj)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

// SupportedPolicy is a backup plan DigitalOcean offers the account.
type SupportedPolicy struct {
	Name                 string
	PossibleWindowStarts []int // UTC hours a backup window may start at
	WindowLengthHours    int
	RetentionPeriodDays  int // the plan's retention, or its default for usage-based plans
	// RetentionMinDays and RetentionMaxDays bound the retention a usage-based plan may be given;
	// both are RetentionPeriodDays for a plan whose retention is fixed.
	RetentionMinDays, RetentionMaxDays int
	PossibleDays                       []string // weekdays, for weekly plans
}

func (p SupportedPolicy) clone() SupportedPolicy {
	p.PossibleWindowStarts = slices.Clone(p.PossibleWindowStarts)
	p.PossibleDays = slices.Clone(p.PossibleDays)
	return p
}

// supportedRecord is one entry of GET /v2/droplets/backups/supported_policies. The retention
// range fields are a guess: DigitalOcean documents none, and usage-based plans, whose
// retention is chosen, would need one. Either a list of allowed retentions or a min/max pair is
// understood; without them the retention is fixed.
type supportedRecord struct {
	Name                 string   `json:"name"`
	PossibleWindowStarts []int    `json:"possible_window_starts"`
	WindowLengthHours    int      `json:"window_length_hours"`
	RetentionPeriodDays  int      `json:"retention_period_days"`
	PossibleDays         []string `json:"possible_days"`
	PossibleRetention    []int    `json:"possible_retention_period_days"`
	MinRetention         int      `json:"min_retention_period_days"`
	MaxRetention         int      `json:"max_retention_period_days"`
}

func (r supportedRecord) policy() SupportedPolicy {
	p := SupportedPolicy{
		Name: r.Name, PossibleWindowStarts: r.PossibleWindowStarts, WindowLengthHours: r.WindowLengthHours,
		RetentionPeriodDays: r.RetentionPeriodDays, PossibleDays: r.PossibleDays,
		RetentionMinDays: r.RetentionPeriodDays, RetentionMaxDays: r.RetentionPeriodDays,
	}
	if len(r.PossibleRetention) > 0 {
		p.RetentionMinDays, p.RetentionMaxDays = slices.Min(r.PossibleRetention), slices.Max(r.PossibleRetention)
	}
	if r.MinRetention > 0 {
		p.RetentionMinDays = r.MinRetention
	}
	if r.MaxRetention > 0 {
		p.RetentionMaxDays = r.MaxRetention
	}
	return p
}

// SupportedBackupPolicies lists the plans DigitalOcean offers the account. The answer does not
// change while the provider runs, so it is read once per Client, however many callers ask at
// the same time; a failed read is not kept.
func (c *Client) SupportedBackupPolicies(ctx context.Context) ([]SupportedPolicy, error) {
	for {
		c.supportedMu.Lock()
		if c.supported != nil {
			out := cloneSupported(c.supported)
			c.supportedMu.Unlock()
			return out, nil
		}
		if wait := c.supportedReading; wait != nil {
			c.supportedMu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("listing supported backup policies: %w", classify(ctx.Err()))
			}
		}
		reading := make(chan struct{})
		c.supportedReading = reading
		c.supportedMu.Unlock()

		list, err := c.readSupported(ctx)
		c.supportedMu.Lock()
		if err == nil {
			c.supported = list
		}
		c.supportedReading = nil
		close(reading)
		c.supportedMu.Unlock()
		if err != nil {
			return nil, err
		}
		return cloneSupported(list), nil
	}
}

func (c *Client) readSupported(ctx context.Context) ([]SupportedPolicy, error) {
	var root struct {
		SupportedPolicies []supportedRecord `json:"supported_policies"`
	}
	if _, err := c.do(ctx, http.MethodGet, "v2/droplets/backups/supported_policies", nil, &root); err != nil {
		return nil, fmt.Errorf("listing supported backup policies: %w", err)
	}
	list := make([]SupportedPolicy, 0, len(root.SupportedPolicies))
	for _, r := range root.SupportedPolicies {
		list = append(list, r.policy())
	}
	return list, nil
}

func cloneSupported(list []SupportedPolicy) []SupportedPolicy {
	out := make([]SupportedPolicy, len(list))
	for i, p := range list {
		out[i] = p.clone()
	}
	return out
}

// ConvertImageToSnapshot converts a backup image into a snapshot (kept until deleted) and
// waits for the convert action.
func (c *Client) ConvertImageToSnapshot(ctx context.Context, imageID int) (*godo.Action, error) {
	if imageID < 1 {
		return nil, fmt.Errorf("%w: image ID %d", ErrInvalid, imageID)
	}
	a, err := c.start(ctx, target{resourceType: "image", id: imageID, actionType: "convert"}, map[string]any{"type": "convert"}, newStartState(nil), false)
	if err != nil {
		return nil, err
	}
	if a.ResourceType == "" {
		a.ResourceType = "image"
	}
	if a.ResourceID == 0 {
		a.ResourceID = imageID
	}
	return c.wait1(ctx, a)
}

// Droplet reads one droplet; ErrNotFound when it is gone.
func (c *Client) Droplet(ctx context.Context, id int) (*godo.Droplet, error) {
	if id < 1 {
		return nil, fmt.Errorf("%w: droplet ID %d", ErrInvalid, id)
	}
	var root struct {
		Droplet *godo.Droplet `json:"droplet"`
	}
	if _, err := c.do(ctx, http.MethodGet, fmt.Sprintf("v2/droplets/%d", id), nil, &root); err != nil {
		return nil, fmt.Errorf("reading droplet %d: %w", id, err)
	}
	if root.Droplet == nil {
		return nil, fmt.Errorf("reading droplet %d: %w: the answer held no droplet", id, ErrServer)
	}
	return root.Droplet, nil
}

// DropletsByTag lists every droplet carrying tag, all pages.
func (c *Client) DropletsByTag(ctx context.Context, tag string) ([]godo.Droplet, error) {
	if tag == "" {
		return nil, fmt.Errorf("%w: tag is required", ErrInvalid)
	}
	var out []godo.Droplet
	for page := 1; ; page++ {
		var root struct {
			Droplets []godo.Droplet `json:"droplets"`
			Links    *godo.Links    `json:"links"`
		}
		path := fmt.Sprintf("v2/droplets?tag_name=%s&page=%d&per_page=200", queryEscape(tag), page)
		if _, err := c.do(ctx, http.MethodGet, path, nil, &root); err != nil {
			return nil, fmt.Errorf("listing droplets tagged %q: %w", tag, err)
		}
		out = append(out, root.Droplets...)
		if len(root.Droplets) == 0 || root.Links == nil || root.Links.IsLastPage() {
			break
		}
	}
	return out, nil
}
