package emulator

import "time"

// The structs in this file are the JSON shapes the emulator puts on the wire.
// They are the emulator's own (not godo's) because godo's structs drop zero
// values such as "hour": 0 and "locked": false when re-encoded.

// Droplet is the API view of a droplet (GET /v2/droplets/{id}).
type Droplet struct {
	ID               int           `json:"id"`
	Name             string        `json:"name"`
	Memory           int           `json:"memory"`
	Vcpus            int           `json:"vcpus"`
	Disk             int           `json:"disk"`
	DiskInfo         []DiskInfo    `json:"disk_info"`
	Locked           bool          `json:"locked"`
	Status           string        `json:"status"`
	Kernel           *Kernel       `json:"kernel"`
	CreatedAt        time.Time     `json:"created_at"`
	Features         []string      `json:"features"`
	BackupIDs        []int         `json:"backup_ids"`
	NextBackupWindow *BackupWindow `json:"next_backup_window"`
	SnapshotIDs      []int         `json:"snapshot_ids"`
	Image            Image         `json:"image"`
	VolumeIDs        []string      `json:"volume_ids"`
	Size             Size          `json:"size"`
	SizeSlug         string        `json:"size_slug"`
	Networks         Networks      `json:"networks"`
	Region           Region        `json:"region"`
	Tags             []string      `json:"tags"`
	VPCUUID          string        `json:"vpc_uuid"`
}

// DiskInfo describes one disk of a droplet or size.
type DiskInfo struct {
	Type string   `json:"type"`
	Size DiskSize `json:"size"`
}

// DiskSize is an amount with a unit.
type DiskSize struct {
	Amount int    `json:"amount"`
	Unit   string `json:"unit"`
}

// Kernel is a droplet kernel (only droplets with externally managed kernels have one).
type Kernel struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// BackupWindow is next_backup_window: the start and end of the next backup window.
type BackupWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Networks holds the droplet's IPv4 and IPv6 interfaces.
type Networks struct {
	V4 []NetworkV4 `json:"v4"`
	V6 []NetworkV6 `json:"v6"`
}

// NetworkV4 is one IPv4 interface.
type NetworkV4 struct {
	IPAddress string `json:"ip_address"`
	Netmask   string `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

// NetworkV6 is one IPv6 interface.
type NetworkV6 struct {
	IPAddress string `json:"ip_address"`
	Netmask   int    `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

// Region is the region object embedded in droplets and actions.
type Region struct {
	Name      string   `json:"name"`
	Slug      string   `json:"slug"`
	Features  []string `json:"features"`
	Available bool     `json:"available"`
	Sizes     []string `json:"sizes"`
}

// Size is the size object embedded in droplets.
type Size struct {
	Slug         string     `json:"slug"`
	Memory       int        `json:"memory"`
	Vcpus        int        `json:"vcpus"`
	Disk         int        `json:"disk"`
	Transfer     float64    `json:"transfer"`
	PriceMonthly float64    `json:"price_monthly"`
	PriceHourly  float64    `json:"price_hourly"`
	Regions      []string   `json:"regions"`
	Available    bool       `json:"available"`
	Description  string     `json:"description"`
	DiskInfo     []DiskInfo `json:"disk_info"`
}

// Image is the API view of an image (GET /v2/images/{id}); backups and
// snapshots of droplets are images too.
type Image struct {
	ID            int       `json:"id"`
	Name          string    `json:"name"`
	Type          string    `json:"type"`
	Distribution  string    `json:"distribution"`
	Slug          *string   `json:"slug"`
	Public        bool      `json:"public"`
	Regions       []string  `json:"regions"`
	CreatedAt     time.Time `json:"created_at"`
	MinDiskSize   int       `json:"min_disk_size"`
	SizeGigabytes float64   `json:"size_gigabytes"`
	Description   string    `json:"description"`
	Tags          []string  `json:"tags"`
	Status        string    `json:"status"`
	ErrorMessage  string    `json:"error_message"`

	// DropletID is the droplet a backup or snapshot was taken from (0 for
	// public images). Not part of the API.
	DropletID int `json:"-"`
	// ExpiresAt is when a backup's retention ends (nil for anything that is
	// kept until deleted). Not part of the API.
	ExpiresAt *time.Time `json:"-"`
}

// Action is the API view of an action (GET /v2/actions/{id}).
type Action struct {
	ID           int        `json:"id"`
	Status       string     `json:"status"`
	Type         string     `json:"type"`
	StartedAt    time.Time  `json:"started_at"`
	CompletedAt  *time.Time `json:"completed_at"`
	ResourceID   int        `json:"resource_id"`
	ResourceType string     `json:"resource_type"`
	Region       Region     `json:"region"`
	RegionSlug   string     `json:"region_slug"`
}

// BackupPolicy is the read side of a droplet's backup policy.
type BackupPolicy struct {
	Plan string `json:"plan"`
	// Weekday is only set (and only sent) for weekly plans.
	Weekday             string `json:"weekday,omitempty"`
	Hour                int    `json:"hour"`
	WindowLengthHours   int    `json:"window_length_hours"`
	RetentionPeriodDays int    `json:"retention_period_days"`
}

// PolicyRecord is what GET /v2/droplets/{id}/backups/policy returns under "policy".
type PolicyRecord struct {
	DropletID        int           `json:"droplet_id"`
	BackupEnabled    bool          `json:"backup_enabled"`
	BackupPolicy     *BackupPolicy `json:"backup_policy,omitempty"`
	NextBackupWindow *BackupWindow `json:"next_backup_window,omitempty"`
}

// SupportedPolicy is one entry of GET /v2/droplets/backups/supported_policies.
type SupportedPolicy struct {
	Name                 string   `json:"name"`
	PossibleWindowStarts []int    `json:"possible_window_starts"`
	WindowLengthHours    int      `json:"window_length_hours"`
	RetentionPeriodDays  int      `json:"retention_period_days"`
	PossibleDays         []string `json:"possible_days"`
	// MinRetentionPeriodDays and MaxRetentionPeriodDays bound the retention a
	// usage-based plan may choose (0 for the basic plans, and left out). The
	// spec has no such fields: their names are the emulator's guess.
	MinRetentionPeriodDays int `json:"min_retention_period_days,omitempty"`
	MaxRetentionPeriodDays int `json:"max_retention_period_days,omitempty"`
}

// APIError is the error body of every 4xx/5xx response.
type APIError struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// DropletSpec describes a droplet created out of band (CreateDroplet and
// POST /_emulator/droplets). Zero values get the same defaults as the seed droplets.
type DropletSpec struct {
	Name         string      `json:"name"`
	Region       string      `json:"region"`
	Size         string      `json:"size"`
	Image        string      `json:"image"`
	Tags         []string    `json:"tags"`
	Backups      bool        `json:"backups"`
	BackupPolicy *PolicySpec `json:"backup_policy,omitempty"`
}

// PolicySpec is the request side of a backup policy. Nil pointers mean "not given".
type PolicySpec struct {
	Plan    string `json:"plan"`
	Weekday string `json:"weekday"`
	Hour    *int   `json:"hour,omitempty"`
	// WindowLengthHours and RetentionPeriodDays are taken for usage-based
	// plans (intra_daily_4h, …) only, and ignored for daily and weekly.
	WindowLengthHours   *int `json:"window_length_hours,omitempty"`
	RetentionPeriodDays *int `json:"retention_period_days,omitempty"`
}

// Stats are counters over the API requests served (control endpoints and the
// Go control methods are not counted).
type Stats struct {
	TotalRequests int `json:"total_requests"`
	// Requests counts requests by route pattern, e.g. "GET /v2/actions/{id}".
	Requests map[string]int `json:"requests"`
	// ActionsStarted counts actions started through the API, by type.
	ActionsStarted map[string]int `json:"actions_started"`
	// PeakPerMinute is the largest number of API requests seen in any 60-second window.
	PeakPerMinute int `json:"peak_per_minute"`
	RateLimited   int `json:"rate_limited"`
	Faults        int `json:"faults"`
	LostResponses int `json:"lost_responses"`
}
