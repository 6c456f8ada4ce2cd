package emulator

import (
	"fmt"
	"time"
)

// A droplet lock without a visible action: DigitalOcean answers the
// pending-event 422 while something that is not in the droplet's action list
// holds the droplet (a volume attachment or a reserved IP assignment, for
// instance). A lock makes that case testable: action requests get the 422,
// while the action lists show nothing in progress.

// LockOptions say how LockDroplet holds a droplet.
type LockOptions struct {
	// Duration is how long the lock lasts; 0 holds it until UnlockDroplet
	// (or the release function) is called.
	Duration time.Duration
	// HideLocked leaves the droplet's "locked" field false while it is held,
	// so that nothing in the API shows why actions are refused. By default
	// the field is true, as it is for a droplet with an action in progress.
	HideLocked bool
}

// Lock is a droplet lock as the control endpoint reports it.
type Lock struct {
	DropletID  int        `json:"droplet_id"`
	Until      *time.Time `json:"until"` // nil: until released
	HideLocked bool       `json:"hide_locked"`
}

// dropletLock is the lock a droplet is held by, if any.
type dropletLock struct {
	until      time.Time // zero: until released
	hideLocked bool
	gen        int // tells a lock from the one that replaced it
}

// LockDroplet holds the droplet as described by o, replacing any lock it
// already has. The release function ends this lock only, not one that
// replaced it; a lock also ends with Reset or when the droplet is deleted.
func (s *Server) LockDroplet(dropletID int, o LockOptions) (release func(), err error) {
	if o.Duration < 0 {
		return nil, fmt.Errorf("lock duration %v: %w", o.Duration, invalid("the duration must not be negative"))
	}
	now := s.lock()
	defer s.unlock()
	d := s.st.droplets[dropletID]
	if d == nil {
		return nil, fmt.Errorf("droplet %d: %w", dropletID, errNotFound)
	}
	s.st.lockGen++
	l := &dropletLock{hideLocked: o.HideLocked, gen: s.st.lockGen}
	if o.Duration > 0 {
		l.until = now.Add(o.Duration)
		s.st.schedule(event{at: l.until, kind: evLockEnd, id: dropletID, gen: l.gen})
	}
	d.heldBy = l
	st := s.st
	return func() {
		s.lock()
		defer s.unlock()
		// After a Reset the droplet with this ID is another one.
		if s.st == st {
			s.endLockLocked(dropletID, l.gen)
		}
	}, nil
}

// UnlockDroplet ends the droplet's lock, if it has one.
func (s *Server) UnlockDroplet(dropletID int) error {
	s.lock()
	defer s.unlock()
	d := s.st.droplets[dropletID]
	if d == nil {
		return fmt.Errorf("droplet %d: %w", dropletID, errNotFound)
	}
	d.heldBy = nil
	return nil
}

// DropletLock reports the droplet's lock; false when it has none.
func (s *Server) DropletLock(dropletID int) (Lock, bool) {
	s.rlock()
	defer s.mu.RUnlock()
	d := s.st.droplets[dropletID]
	if d == nil || d.heldBy == nil {
		return Lock{}, false
	}
	return lockView(d), true
}

func lockView(d *droplet) Lock {
	v := Lock{DropletID: d.id, HideLocked: d.heldBy.hideLocked}
	if !d.heldBy.until.IsZero() {
		t := apiTime(d.heldBy.until)
		v.Until = &t
	}
	return v
}

// endLockLocked ends the droplet's lock if it is still the one of that generation.
func (s *Server) endLockLocked(dropletID, gen int) {
	if d := s.st.droplets[dropletID]; d != nil && d.heldBy != nil && d.heldBy.gen == gen {
		d.heldBy = nil
	}
}

// busy reports whether new actions on the droplet are refused with the
// pending-event 422: an action of its own is in progress, or it is locked.
func (d *droplet) busy() bool { return d.pending != nil || d.heldBy != nil }

// lockedField is the droplet's "locked" field.
func (d *droplet) lockedField() bool {
	return d.pending != nil || (d.heldBy != nil && !d.heldBy.hideLocked)
}
