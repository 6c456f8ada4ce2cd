package emulator

import (
	"fmt"
	"time"
)

// Defaults for droplets created without explicit values.
const (
	defaultRegion = "nyc3"
	defaultSize   = "s-1vcpu-1gb"
	defaultImage  = "ubuntu-24-04-x64"
	seedTag       = "emulator"
)

// publicImageCreated is a fixed date so that seeded state is deterministic.
var publicImageCreated = time.Date(2024, 4, 25, 13, 45, 12, 0, time.UTC)

func (s *Server) seedLocked(now time.Time) {
	for _, p := range publicImageCatalog {
		slug := p.slug
		s.newImageLocked(Image{
			Name: p.name, Type: "base", Distribution: p.distribution, Slug: &slug, Public: true,
			Regions: allRegionSlugs(), CreatedAt: publicImageCreated, MinDiskSize: p.minDisk,
			SizeGigabytes: p.sizeGB, Description: p.distribution + " " + p.name, Tags: []string{},
			Status: "available",
		})
	}
	for i := 1; i <= s.opts.Droplets; i++ {
		// Seeded droplets are a month or more old, older than their backups.
		created := now.Add(-time.Duration(30+s.opts.Droplets-i) * 24 * time.Hour)
		d, err := s.createDropletLocked(created, dropletParams{
			name: fmt.Sprintf("droplet-%d", i), region: defaultRegion, size: defaultSize, image: defaultImage,
			tags: []string{seedTag},
		})
		if err != nil {
			panic(err) // the defaults are always valid
		}
		s.newActionLocked(d.createdAt, "create", "droplet", d.id, d.region, 0, false, nil)
		// Every other droplet has backups (alternately weekly and daily) with
		// two past backups, chosen from the seed so that runs repeat.
		if i%2 == 1 {
			p := policy{plan: "daily", hour: backupHours[s.randIntN(len(backupHours))]}
			step := 24 * time.Hour
			if i%4 == 1 {
				p.plan = "weekly"
				p.weekday = weekdays[s.randIntN(len(weekdays))]
				step = 7 * 24 * time.Hour
			}
			d.policy = p
			first := nextWindowStart(p, now.Add(-3*step))
			s.takeBackupLocked(d, first)
			s.takeBackupLocked(d, first.Add(step))
			s.enableBackupsLocked(d, p, now)
		}
	}
}

// dropletParams are validated inputs for a new droplet.
type dropletParams struct {
	name, region, size, image string
	tags                      []string
	backups                   bool
	policy                    policy
	ipv6, monitoring          bool
}

// createDropletLocked adds an active droplet (callers make it "new" when a
// create action is still running).
func (s *Server) createDropletLocked(now time.Time, p dropletParams) (*droplet, error) {
	sz, ok := findSize(p.size)
	if !ok {
		return nil, invalid("You specified an invalid size for Droplet creation.")
	}
	if _, ok := findRegion(p.region); !ok {
		return nil, invalid("You specified an invalid region for Droplet creation.")
	}
	img := s.imageByRefLocked(p.image)
	if img == nil || (img.view.Type != "base" && img.view.Type != "snapshot" && img.view.Type != "backup") {
		return nil, invalid("You specified an invalid image for Droplet creation.")
	}
	id := s.st.nextDropletID
	s.st.nextDropletID++
	d := &droplet{
		id: id, name: p.name, region: p.region, size: p.size, disk: sz.disk,
		image: copyImage(img.view), status: "active", createdAt: apiTime(now),
		features: []string{"private_networking"}, tags: append([]string{}, p.tags...),
		vpc:  fmt.Sprintf("760e09ef-dc84-11e8-981e-3cfdfe%06x", id%0xffffff),
		ipv6: p.ipv6,
	}
	if p.ipv6 {
		d.features = addFeature(d.features, "ipv6")
	}
	if p.monitoring {
		d.features = addFeature(d.features, "monitoring")
	}
	s.st.droplets[id] = d
	if p.backups {
		s.enableBackupsLocked(d, p.policy, now)
	}
	return d, nil
}

// imageByRefLocked resolves a numeric ID or a public slug.
func (s *Server) imageByRefLocked(ref string) *image {
	var id int
	if _, err := fmt.Sscanf(ref, "%d", &id); err == nil && fmt.Sprint(id) == ref {
		return s.st.images[id]
	}
	return s.publicImageBySlugLocked(ref)
}

// CreateDroplet adds an active droplet at once, without an API request.
// Empty fields get the seed defaults (nyc3, s-1vcpu-1gb, ubuntu-24-04-x64).
// It panics when spec names an unknown size, region, image or an invalid
// policy, as a test helper should.
func (s *Server) CreateDroplet(spec DropletSpec) Droplet {
	v, err := s.createDropletSpec(spec)
	if err != nil {
		panic(fmt.Sprintf("emulator.CreateDroplet: %v", err))
	}
	return v
}

func (s *Server) createDropletSpec(spec DropletSpec) (Droplet, error) {
	now := s.lock()
	defer s.unlock()
	p := dropletParams{name: spec.Name, region: spec.Region, size: spec.Size, image: spec.Image, tags: spec.Tags}
	if p.region == "" {
		p.region = defaultRegion
	}
	if p.size == "" {
		p.size = defaultSize
	}
	if p.image == "" {
		p.image = defaultImage
	}
	for _, t := range p.tags {
		if !validTag(t) {
			return Droplet{}, invalid(fmt.Sprintf("tag %q is not a valid tag name", t))
		}
	}
	if spec.Backups || spec.BackupPolicy != nil {
		pol, err := resolvePolicy(spec.BackupPolicy, nil, s.defaultHour(s.st.nextDropletID))
		if err != nil {
			return Droplet{}, err
		}
		p.backups, p.policy = true, pol
	}
	if p.name != "" && !validName(p.name) {
		return Droplet{}, invalid(nameMessage)
	}
	d, err := s.createDropletLocked(now, p)
	if err != nil {
		return Droplet{}, err
	}
	if d.name == "" {
		d.name = fmt.Sprintf("droplet-%d", d.id)
	}
	s.newActionLocked(now, "create", "droplet", d.id, d.region, 0, false, nil)
	return s.dropletViewLocked(d), nil
}

// Droplet returns the API view of a droplet.
func (s *Server) Droplet(id int) (Droplet, bool) {
	s.rlock()
	defer s.mu.RUnlock()
	d := s.st.droplets[id]
	if d == nil {
		return Droplet{}, false
	}
	return s.dropletViewLocked(d), true
}

// BackupPolicy returns what GET /v2/droplets/{id}/backups/policy returns.
func (s *Server) BackupPolicy(id int) (PolicyRecord, bool) {
	s.rlock()
	defer s.mu.RUnlock()
	d := s.st.droplets[id]
	if d == nil {
		return PolicyRecord{}, false
	}
	return s.policyRecordLocked(d), true
}

// SetBackupPolicy changes a droplet's backups at once, as a change made in
// the control panel would: no action, no lock. With enabled, p is merged
// into the current policy (empty plan keeps it, nil hour keeps it).
func (s *Server) SetBackupPolicy(id int, enabled bool, p PolicySpec) error {
	now := s.lock()
	defer s.unlock()
	d := s.st.droplets[id]
	if d == nil {
		return fmt.Errorf("droplet %d: %w", id, errNotFound)
	}
	if !enabled {
		s.disableBackupsLocked(d)
		return nil
	}
	var cur *policy
	if d.backups {
		cur = &d.policy
	}
	pol, err := resolvePolicy(&p, cur, s.defaultHour(id))
	if err != nil {
		return err
	}
	s.enableBackupsLocked(d, pol, now)
	return nil
}

// DeleteDroplet removes a droplet (and its backups) at once.
func (s *Server) DeleteDroplet(id int) bool {
	s.lock()
	defer s.unlock()
	d := s.st.droplets[id]
	if d == nil {
		return false
	}
	s.deleteDropletLocked(d)
	return true
}

// TakeBackup takes a backup of the droplet now, whether or not backups are
// enabled. It is kept for the retention of the droplet's (last) policy.
func (s *Server) TakeBackup(dropletID int) (Image, error) {
	now := s.lock()
	defer s.unlock()
	d := s.st.droplets[dropletID]
	if d == nil {
		return Image{}, fmt.Errorf("droplet %d: %w", dropletID, errNotFound)
	}
	return copyImage(s.takeBackupLocked(d, now).view), nil
}

// Image returns an image (public image, backup or snapshot) by ID.
func (s *Server) Image(id int) (Image, bool) {
	s.rlock()
	defer s.mu.RUnlock()
	img := s.st.images[id]
	if img == nil {
		return Image{}, false
	}
	return copyImage(img.view), true
}

// DropletActions returns every action on a droplet, oldest first.
func (s *Server) DropletActions(dropletID int) []Action {
	s.rlock()
	defer s.mu.RUnlock()
	d := s.st.droplets[dropletID]
	if d == nil {
		return nil
	}
	out := make([]Action, 0, len(d.actionIDs))
	for _, id := range d.actionIDs {
		out = append(out, s.st.actions[id-firstActionID].view())
	}
	return out
}

// Action returns any action by ID.
func (s *Server) Action(id int) (Action, bool) {
	s.rlock()
	defer s.mu.RUnlock()
	a := s.actionLocked(id)
	if a == nil {
		return Action{}, false
	}
	return a.view(), true
}

func (s *Server) actionLocked(id int) *action {
	i := id - firstActionID
	if i < 0 || i >= len(s.st.actions) {
		return nil
	}
	return s.st.actions[i]
}

// StartAction starts an action of any type on a droplet out of band (as the
// control panel or DigitalOcean itself would), holding the droplet's lock for
// d. Types without parameters (power_off, reboot, enable_ipv6, …) have their
// usual effect; others only make the droplet busy. It is not counted in Stats.
func (s *Server) StartAction(dropletID int, actionType string, d time.Duration) (Action, error) {
	now := s.lock()
	defer s.unlock()
	dr := s.st.droplets[dropletID]
	if dr == nil {
		return Action{}, fmt.Errorf("droplet %d: %w", dropletID, errNotFound)
	}
	if dr.pending != nil {
		return Action{}, fmt.Errorf("droplet %d: %w", dropletID, errPending)
	}
	var effect func(time.Time)
	if prep, err := s.prepareDropletActionLocked(dr, actionRequest{Type: actionType}); err == nil {
		effect = prep
	}
	a := s.newActionLocked(now, actionType, "droplet", dropletID, dr.region, d, s.shouldFailLocked(dr, actionType), effect)
	return a.view(), nil
}

// FailNextAction makes the next action of actionType ("" = any type) on the
// droplet end errored. Calls add up.
func (s *Server) FailNextAction(dropletID int, actionType string) {
	s.lock()
	defer s.unlock()
	d := s.st.droplets[dropletID]
	if d == nil {
		return
	}
	if d.failNext == nil {
		d.failNext = map[string]int{}
	}
	d.failNext[actionType]++
}

// SetIgnoreShutdown makes the droplet's guest ignore shutdown: the action
// completes but the droplet stays active. The droplet need not exist yet.
func (s *Server) SetIgnoreShutdown(dropletID int, ignore bool) {
	s.lock()
	defer s.unlock()
	if ignore {
		s.st.ignoreShutdown[dropletID] = true
	} else {
		delete(s.st.ignoreShutdown, dropletID)
	}
}

// defaultHour is the backup hour given to a droplet whose policy names none.
// DigitalOcean picks the window itself; the emulator spreads droplets over
// the six windows by ID so the choice is stable.
func (s *Server) defaultHour(dropletID int) int {
	return backupHours[dropletID%len(backupHours)]
}
