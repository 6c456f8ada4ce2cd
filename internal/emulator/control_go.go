package emulator

import (
	"fmt"
	"time"
)

// The Go control API: the same out-of-band operations as the control
// endpoints under /_emulator/, for tests in Go.

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
		pol, err := s.resolvePolicy(spec.BackupPolicy, nil, s.st.nextDropletID)
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
	pol, err := s.resolvePolicy(&p, cur, id)
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
	if dr.busy() {
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
