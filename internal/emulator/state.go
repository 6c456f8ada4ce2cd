package emulator

import (
	"math"
	"time"
)

// ID ranges are far apart so a droplet ID used as an image or action ID (or
// the other way round) is a 404, not a silent mix-up.
const (
	firstDropletID = 100000
	firstImageID   = 200000000
	firstActionID  = 3000000000
)

// Action statuses.
const (
	statusInProgress = "in-progress"
	statusCompleted  = "completed"
	statusErrored    = "errored"
)

// state is everything Reset replaces. Server.mu guards it.
type state struct {
	nextDropletID int
	nextImageID   int

	droplets map[int]*droplet
	images   map[int]*image
	// actions are indexed by ID-firstActionID; they are never removed.
	actions []*action
	events  eventHeap
	seq     int
	lockGen int
	// ignoreShutdown holds droplet IDs whose guest ignores shutdown; it is
	// kept apart from the droplets so that IDs can be named in advance.
	ignoreShutdown map[int]bool
}

func newState() *state {
	st := &state{
		nextDropletID: firstDropletID,
		nextImageID:   firstImageID,
		droplets:      map[int]*droplet{},
		images:        map[int]*image{},

		ignoreShutdown: map[int]bool{},
	}
	return st
}

type droplet struct {
	id        int
	name      string
	region    string
	size      string
	disk      int
	image     Image // copy of the image the droplet was built from
	status    string
	createdAt time.Time
	features  []string
	tags      []string
	kernel    *Kernel
	vpc       string

	backups    bool
	policy     policy // kept after disable_backups: it sets the retention of manual backups
	nextWindow time.Time
	windowGen  int

	backupIDs   []int // oldest first
	snapshotIDs []int
	actionIDs   []int // oldest first

	ipv6 bool

	pending  *action
	heldBy   *dropletLock   // a lock with no visible action (LockDroplet)
	failNext map[string]int // action type ("" = any) → how many of the next ones end errored
}

type image struct {
	view      Image
	pending   *action
	actionIDs []int
}

type action struct {
	id           int
	typ          string
	status       string
	startedAt    time.Time
	completedAt  time.Time
	resourceID   int
	resourceType string
	region       string
	fail         bool
	// effect is applied when the action completes successfully; it runs
	// with the state lock held and the completion time.
	effect func(at time.Time)
}

// apiTime is how times appear on the wire: UTC, whole seconds.
func apiTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// sync applies every timed event that is due. It is cheap when nothing is due.
func (s *Server) sync(now time.Time) {
	if now.UnixNano() < s.nextDue.Load() {
		return
	}
	s.mu.Lock()
	s.advanceLocked(now)
	s.mu.Unlock()
}

// lock takes the write lock with every due event applied.
func (s *Server) lock() time.Time {
	now := s.now()
	s.mu.Lock()
	s.advanceLocked(now)
	return now
}

func (s *Server) unlock() {
	s.updateNextDueLocked()
	s.mu.Unlock()
}

// rlock takes the read lock with every due event applied.
func (s *Server) rlock() {
	s.sync(s.now())
	s.mu.RLock()
}

func (s *Server) updateNextDueLocked() {
	if len(s.st.events) == 0 {
		s.nextDue.Store(math.MaxInt64)
		return
	}
	s.nextDue.Store(s.st.events[0].at.UnixNano())
}
