package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// httpError is an API error with its status and error id.
type httpError struct {
	status int
	id     string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// Is lets callers of the direct methods use errors.Is with ErrNotFound,
// ErrPendingEvent and ErrInvalid.
func (e *httpError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.status == http.StatusNotFound
	case ErrPendingEvent:
		return e.msg == pendingEventMessage
	case ErrInvalid:
		return e.status == http.StatusUnprocessableEntity && e.msg != pendingEventMessage
	}
	return false
}

const (
	pendingEventMessage = "Droplet already has a pending event."
	nameMessage         = "Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
)

func invalid(msg string) *httpError {
	return &httpError{status: http.StatusUnprocessableEntity, id: "unprocessable_entity", msg: msg}
}

var (
	errNotFound = &httpError{status: http.StatusNotFound, id: "not_found", msg: "The resource you requested could not be found."}
	errPending  = invalid(pendingEventMessage)
	errBadBody  = &httpError{status: http.StatusBadRequest, id: "bad_request", msg: "error parsing request body"}
)

func asHTTPError(err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	return &httpError{status: http.StatusInternalServerError, id: "server_error", msg: "Unexpected server-side error"}
}

var (
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$`)
	tagPattern  = regexp.MustCompile(`^[a-zA-Z0-9_\-:]+$`)
)

func validName(n string) bool { return len(n) <= 255 && namePattern.MatchString(n) }
func validTag(t string) bool  { return len(t) <= 255 && tagPattern.MatchString(t) }

// actionRequest is the body of POST /v2/droplets/{id}/actions (and by tag).
type actionRequest struct {
	Type         string          `json:"type"`
	Image        json.RawMessage `json:"image"`
	Size         string          `json:"size"`
	Disk         bool            `json:"disk"`
	Name         *string         `json:"name"`
	Kernel       *int            `json:"kernel"`
	BackupPolicy *PolicySpec     `json:"backup_policy"`
}

// tagActionTypes are the types the spec allows on POST /v2/droplets/actions?tag_name=.
// enable_private_networking was removed from the spec in 2020 but godo still
// sends it; it is accepted like the others.
var tagActionTypes = map[string]bool{
	"power_cycle": true, "power_on": true, "power_off": true, "shutdown": true,
	"enable_ipv6": true, "enable_backups": true, "disable_backups": true, "snapshot": true,
	"enable_private_networking": true,
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

// prepareDropletActionLocked validates a droplet action against the droplet
// as it is now and returns what the action does when it completes. The
// caller has already checked that the droplet is not locked.
func (s *Server) prepareDropletActionLocked(d *droplet, req actionRequest) (func(time.Time), error) {
	id := d.id
	// Every effect looks the droplet up again: it may be gone by then.
	onDroplet := func(f func(d *droplet, at time.Time)) func(time.Time) {
		return func(at time.Time) {
			if d := s.st.droplets[id]; d != nil {
				f(d, at)
			}
		}
	}
	setStatus := func(status string) func(time.Time) {
		return onDroplet(func(d *droplet, _ time.Time) { d.status = status })
	}
	switch req.Type {
	case "enable_backups":
		var cur *policy
		if d.backups {
			cur = &d.policy
		}
		// Enabling backups that are already on is accepted and applies the
		// policy, if any; whether the real API rejects it is unknown.
		p, err := resolvePolicy(req.BackupPolicy, cur, s.defaultHour(id))
		if err != nil {
			return nil, err
		}
		return onDroplet(func(d *droplet, at time.Time) { s.enableBackupsLocked(d, p, at) }), nil
	case "change_backup_policy":
		if req.BackupPolicy == nil {
			return nil, invalid("backup_policy is required for change_backup_policy")
		}
		if !d.backups {
			// Undocumented in the API; the emulator answers 422 (see the
			// reference's behaviour checklist).
			return nil, invalid("Backups are not enabled for this Droplet.")
		}
		p, err := resolvePolicy(req.BackupPolicy, &d.policy, s.defaultHour(id))
		if err != nil {
			return nil, err
		}
		return onDroplet(func(d *droplet, at time.Time) {
			if d.backups {
				s.enableBackupsLocked(d, p, at)
			}
		}), nil
	case "disable_backups":
		// Existing backups stay until their retention ends.
		return onDroplet(func(d *droplet, _ time.Time) { s.disableBackupsLocked(d) }), nil
	case "reboot", "power_cycle", "power_on":
		// Rebooting or power-cycling a droplet that is off boots it; the
		// real API's behaviour for reboot of an off droplet is undocumented.
		return setStatus("active"), nil
	case "power_off":
		return setStatus("off"), nil
	case "shutdown":
		return onDroplet(func(d *droplet, _ time.Time) {
			// shutdown only asks the guest; one that ignores it stays up
			// while the action still completes.
			if !s.st.ignoreShutdown[d.id] {
				d.status = "off"
			}
		}), nil
	case "password_reset":
		return func(time.Time) {}, nil
	case "enable_private_networking":
		return onDroplet(func(d *droplet, _ time.Time) { d.features = addFeature(d.features, "private_networking") }), nil
	case "enable_ipv6":
		return onDroplet(func(d *droplet, _ time.Time) {
			d.ipv6 = true
			d.features = addFeature(d.features, "ipv6")
		}), nil
	case "restore":
		imgID, err := intParam(req.Image)
		if err != nil {
			return nil, invalid("image is required and must be the ID of a backup or snapshot of this Droplet")
		}
		img := s.st.images[imgID]
		if img == nil || img.view.DropletID != id || (img.view.Type != "backup" && img.view.Type != "snapshot") {
			return nil, invalid(fmt.Sprintf("Image %d is not a backup or snapshot of Droplet %d.", imgID, id))
		}
		return setStatus("active"), nil
	case "resize":
		if req.Size == "" {
			return nil, invalid("size is required for resize")
		}
		sz, ok := findSize(req.Size)
		if !ok {
			return nil, invalid(fmt.Sprintf("Size %q is not a valid size.", req.Size))
		}
		if sz.disk < d.disk {
			return nil, invalid("Size can not decrease size of Droplet's disk image")
		}
		// Whether the real API refuses to resize a droplet that is on is
		// undocumented (the control panel powers it off first); the emulator
		// resizes it either way and leaves the power state alone.
		disk := req.Disk
		return onDroplet(func(d *droplet, _ time.Time) {
			d.size = sz.slug
			if disk {
				d.disk = sz.disk
			}
		}), nil
	case "rebuild":
		ref, err := imageRef(req.Image)
		if err != nil {
			return nil, invalid("image is required for rebuild: an image ID or a public image slug")
		}
		img := s.imageByRefLocked(ref)
		if img == nil || img.view.Type == "admin" {
			return nil, invalid(fmt.Sprintf("Image %s is not a valid image.", ref))
		}
		if img.view.MinDiskSize > d.disk {
			return nil, invalid("The image's minimum disk size is larger than the Droplet's disk.")
		}
		v := copyImage(img.view)
		return onDroplet(func(d *droplet, _ time.Time) {
			d.image = v
			d.status = "active"
		}), nil
	case "rename":
		if req.Name == nil || *req.Name == "" {
			return nil, invalid("name is required for rename")
		}
		name := *req.Name
		if !validName(name) {
			return nil, invalid(nameMessage)
		}
		return onDroplet(func(d *droplet, _ time.Time) { d.name = name }), nil
	case "change_kernel":
		if req.Kernel == nil {
			return nil, invalid("kernel is required for change_kernel")
		}
		k, ok := findKernel(*req.Kernel)
		if !ok {
			return nil, invalid(fmt.Sprintf("Kernel %d is not available for this Droplet.", *req.Kernel))
		}
		return onDroplet(func(d *droplet, _ time.Time) { d.kernel = &k }), nil
	case "snapshot":
		name := ""
		if req.Name != nil {
			name = *req.Name
		}
		return onDroplet(func(d *droplet, at time.Time) { s.takeSnapshotLocked(d, name, at) }), nil
	case "":
		return nil, invalid("type is required")
	default:
		// The real message for an unknown type is undocumented.
		return nil, invalid(fmt.Sprintf("%q is not a valid droplet action type.", req.Type))
	}
}

// intParam decodes an integer body field (a JSON number, or a string of digits).
func intParam(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, errors.New("missing")
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		if f != float64(int(f)) || f < 1 {
			return 0, errors.New("not a positive integer")
		}
		return int(f), nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return 0, err
	}
	return strconv.Atoi(str)
}

// imageRef decodes an image field that is a slug or a numeric ID.
func imageRef(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("missing")
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		if str == "" {
			return "", errors.New("empty")
		}
		return str, nil
	}
	n, err := intParam(raw)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(n), nil
}

// startDropletActionLocked starts one droplet action requested through the API.
func (s *Server) startDropletActionLocked(now time.Time, d *droplet, req actionRequest) (*action, error) {
	if d.pending != nil {
		return nil, errPending
	}
	effect, err := s.prepareDropletActionLocked(d, req)
	if err != nil {
		return nil, err
	}
	s.stats.actionStarted(req.Type)
	return s.newActionLocked(now, req.Type, "droplet", d.id, d.region, s.durationFor(req.Type), s.shouldFailLocked(d, req.Type), effect), nil
}

// startTagActionLocked starts one action per droplet carrying tag. If any of
// them is locked nothing is started and the answer is the pending-event 422;
// whether the real API starts the others is undocumented.
func (s *Server) startTagActionLocked(now time.Time, tag string, req actionRequest) ([]*action, error) {
	if !tagActionTypes[req.Type] {
		if req.Type == "" {
			return nil, invalid("type is required")
		}
		return nil, invalid(fmt.Sprintf("Action type %q can not be performed on tagged Droplets.", req.Type))
	}
	var targets []*droplet
	for _, d := range s.sortedDropletsLocked() {
		if d.hasTag(tag) {
			if d.pending != nil {
				return nil, errPending
			}
			targets = append(targets, d)
		}
	}
	// Validate every droplet before starting any, so a refusal starts nothing.
	for _, d := range targets {
		if _, err := s.prepareDropletActionLocked(d, req); err != nil {
			return nil, err
		}
	}
	out := make([]*action, 0, len(targets))
	for _, d := range targets {
		a, err := s.startDropletActionLocked(now, d, req)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// imageActionRequest is the body of POST /v2/images/{id}/actions.
type imageActionRequest struct {
	Type   string `json:"type"`
	Region string `json:"region"`
}

func (s *Server) startImageActionLocked(now time.Time, img *image, req imageActionRequest) (*action, error) {
	if img.pending != nil {
		// The wording for a busy image is undocumented; it mirrors droplets.
		return nil, invalid("Image already has a pending event.")
	}
	id := img.view.ID
	var effect func(time.Time)
	switch req.Type {
	case "convert":
		if img.view.Type != "backup" {
			// Undocumented; converting anything but a backup is refused.
			return nil, invalid("Only backups can be converted to snapshots.")
		}
		effect = func(time.Time) {
			if img := s.st.images[id]; img != nil && img.view.Type == "backup" {
				s.convertToSnapshotLocked(img)
			}
		}
	case "transfer":
		if req.Region == "" {
			return nil, invalid("region is required for transfer")
		}
		if _, ok := findRegion(req.Region); !ok {
			return nil, invalid(fmt.Sprintf("Region %q is not a valid region.", req.Region))
		}
		if img.view.Type == "backup" {
			// DigitalOcean's own wording, misspelling included.
			return nil, invalid("Backups can not be transfered to other regions") //nolint:misspell
		}
		if img.view.Public {
			return nil, &httpError{status: http.StatusForbidden, id: "forbidden", msg: "You do not have access for the attempted action."}
		}
		region := req.Region
		effect = func(time.Time) {
			if img := s.st.images[id]; img != nil && !slices.Contains(img.view.Regions, region) {
				img.view.Regions = append(img.view.Regions, region)
				slices.Sort(img.view.Regions)
			}
		}
	case "":
		return nil, invalid("type is required")
	default:
		return nil, invalid(fmt.Sprintf("%q is not a valid image action type.", req.Type))
	}
	s.stats.actionStarted(req.Type)
	region := defaultRegion
	if len(img.view.Regions) > 0 {
		region = img.view.Regions[0]
	}
	return s.newActionLocked(now, req.Type, "image", id, region, s.durationFor(req.Type), s.chance(s.cfg.Load().ErroredRate), effect), nil
}
