package emulator

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strings"
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

type state struct {
	nextDropletID int
	nextImageID   int

	droplets map[int]*droplet
	images   map[int]*image
	// actions are indexed by ID-firstActionID; they are never removed.
	actions []*action
	events  eventHeap
	seq     int
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

type policy struct {
	plan    string
	weekday string
	hour    int
}

func (p policy) retentionDays() int {
	if p.plan == "weekly" {
		return weeklyRetentionDays
	}
	return dailyRetentionDays
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

func (a *action) view() Action {
	v := Action{
		ID:           a.id,
		Status:       a.status,
		Type:         a.typ,
		StartedAt:    a.startedAt,
		ResourceID:   a.resourceID,
		ResourceType: a.resourceType,
		Region:       regionView(a.region),
		RegionSlug:   a.region,
	}
	if a.status != statusInProgress {
		t := a.completedAt
		v.CompletedAt = &t
	}
	return v
}

// Timed events: action completions, backup windows and backup retention ends.
type eventKind int

const (
	evActionDone eventKind = iota
	evBackupWindow
	evBackupExpire
)

type event struct {
	at   time.Time
	seq  int
	kind eventKind
	id   int
	gen  int
}

type eventHeap []event

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(event)) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func (st *state) schedule(e event) {
	st.seq++
	e.seq = st.seq
	heap.Push(&st.events, e)
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
func (s *Server) rlock() time.Time {
	now := s.now()
	s.sync(now)
	s.mu.RLock()
	return now
}

func (s *Server) updateNextDueLocked() {
	if len(s.st.events) == 0 {
		s.nextDue.Store(math.MaxInt64)
		return
	}
	s.nextDue.Store(s.st.events[0].at.UnixNano())
}

func (s *Server) advanceLocked(now time.Time) {
	st := s.st
	for len(st.events) > 0 && !st.events[0].at.After(now) {
		e := heap.Pop(&st.events).(event)
		switch e.kind {
		case evActionDone:
			s.finishActionLocked(st.actions[e.id-firstActionID], e.at)
		case evBackupWindow:
			d := st.droplets[e.id]
			if d == nil || !d.backups || d.windowGen != e.gen {
				continue
			}
			// The scheduled backup is taken when its window opens; the next
			// window is computed from then, so a clock that jumps far ahead
			// still produces every backup in between.
			s.takeBackupLocked(d, e.at)
			s.scheduleWindowLocked(d, e.at)
		case evBackupExpire:
			img := st.images[e.id]
			if img == nil || img.view.Type != "backup" || img.view.ExpiresAt == nil || img.view.ExpiresAt.After(e.at) {
				continue
			}
			s.removeImageLocked(img)
		}
	}
	s.updateNextDueLocked()
}

func (s *Server) finishActionLocked(a *action, at time.Time) {
	if a.status != statusInProgress {
		return
	}
	a.completedAt = apiTime(at)
	if a.fail {
		a.status = statusErrored
	} else {
		a.status = statusCompleted
		if a.effect != nil {
			a.effect(at)
		}
	}
	a.effect = nil
	switch a.resourceType {
	case "droplet":
		if d := s.st.droplets[a.resourceID]; d != nil && d.pending == a {
			d.pending = nil
		}
	case "image":
		if img := s.st.images[a.resourceID]; img != nil && img.pending == a {
			img.pending = nil
		}
	}
}

// newActionLocked records an action and schedules its end. With a zero
// duration it completes before the caller sees it.
func (s *Server) newActionLocked(now time.Time, typ, resourceType string, resourceID int, region string, d time.Duration, fail bool, effect func(time.Time)) *action {
	st := s.st
	a := &action{
		id:           firstActionID + len(st.actions),
		typ:          typ,
		status:       statusInProgress,
		startedAt:    apiTime(now),
		resourceID:   resourceID,
		resourceType: resourceType,
		region:       region,
		fail:         fail,
		effect:       effect,
	}
	st.actions = append(st.actions, a)
	switch resourceType {
	case "droplet":
		if dr := st.droplets[resourceID]; dr != nil {
			dr.actionIDs = append(dr.actionIDs, a.id)
			dr.pending = a
		}
	case "image":
		if img := st.images[resourceID]; img != nil {
			img.actionIDs = append(img.actionIDs, a.id)
			img.pending = a
		}
	}
	if d <= 0 {
		s.finishActionLocked(a, now)
	} else {
		st.schedule(event{at: now.Add(d), kind: evActionDone, id: a.id})
	}
	return a
}

// shouldFailLocked decides at start whether an action on d ends errored.
func (s *Server) shouldFailLocked(d *droplet, typ string) bool {
	if d != nil {
		for _, k := range []string{typ, ""} {
			if n := d.failNext[k]; n > 0 {
				if n == 1 {
					delete(d.failNext, k)
				} else {
					d.failNext[k] = n - 1
				}
				return true
			}
		}
	}
	return s.chance(s.cfg.Load().ErroredRate)
}

// nextWindowStart is the first start of a backup window strictly after t.
func nextWindowStart(p policy, t time.Time) time.Time {
	t = t.UTC()
	c := time.Date(t.Year(), t.Month(), t.Day(), p.hour, 0, 0, 0, time.UTC)
	if p.plan == "weekly" {
		want := time.Weekday(max(0, weekdayIndex(p.weekday)))
		for c.Weekday() != want || !c.After(t) {
			c = c.AddDate(0, 0, 1)
		}
		return c
	}
	for !c.After(t) {
		c = c.AddDate(0, 0, 1)
	}
	return c
}

func (s *Server) scheduleWindowLocked(d *droplet, from time.Time) {
	d.windowGen++
	if !d.backups {
		d.nextWindow = time.Time{}
		return
	}
	d.nextWindow = nextWindowStart(d.policy, from)
	s.st.schedule(event{at: d.nextWindow, kind: evBackupWindow, id: d.id, gen: d.windowGen})
}

func (s *Server) enableBackupsLocked(d *droplet, p policy, at time.Time) {
	d.backups = true
	d.policy = p
	d.features = addFeature(d.features, "backups")
	s.scheduleWindowLocked(d, at)
}

func (s *Server) disableBackupsLocked(d *droplet) {
	d.backups = false
	d.features = removeFeature(d.features, "backups")
	s.scheduleWindowLocked(d, time.Time{})
}

func (s *Server) newImageLocked(v Image) *image {
	v.ID = s.st.nextImageID
	s.st.nextImageID++
	img := &image{view: v}
	s.st.images[v.ID] = img
	return img
}

func (s *Server) dropletImageLocked(d *droplet, typ, name string, at time.Time) *image {
	created := apiTime(at)
	return s.newImageLocked(Image{
		Name:          name,
		Type:          typ,
		Distribution:  d.image.Distribution,
		Regions:       []string{d.region},
		CreatedAt:     created,
		MinDiskSize:   d.disk,
		SizeGigabytes: d.image.SizeGigabytes + float64(d.id%7)*0.13 + 0.42,
		Tags:          []string{},
		Status:        "available",
		DropletID:     d.id,
	})
}

func (s *Server) takeBackupLocked(d *droplet, at time.Time) *image {
	img := s.dropletImageLocked(d, "backup", fmt.Sprintf("%s %s", d.name, apiTime(at).Format("2006-01-02")), at)
	exp := apiTime(at).AddDate(0, 0, d.policy.retentionDays())
	img.view.ExpiresAt = &exp
	d.backupIDs = append(d.backupIDs, img.view.ID)
	s.st.schedule(event{at: exp, kind: evBackupExpire, id: img.view.ID})
	return img
}

func (s *Server) takeSnapshotLocked(d *droplet, name string, at time.Time) *image {
	if name == "" {
		name = fmt.Sprintf("%s-%d", d.name, at.Unix())
	}
	img := s.dropletImageLocked(d, "snapshot", name, at)
	d.snapshotIDs = append(d.snapshotIDs, img.view.ID)
	return img
}

// removeImageLocked deletes an image and unlinks it from its droplet.
func (s *Server) removeImageLocked(img *image) {
	delete(s.st.images, img.view.ID)
	if d := s.st.droplets[img.view.DropletID]; d != nil {
		d.backupIDs = removeInt(d.backupIDs, img.view.ID)
		d.snapshotIDs = removeInt(d.snapshotIDs, img.view.ID)
	}
}

// convertToSnapshotLocked turns a backup into a snapshot with the same ID.
func (s *Server) convertToSnapshotLocked(img *image) {
	img.view.Type = "snapshot"
	img.view.ExpiresAt = nil
	if d := s.st.droplets[img.view.DropletID]; d != nil {
		d.backupIDs = removeInt(d.backupIDs, img.view.ID)
		d.snapshotIDs = append(d.snapshotIDs, img.view.ID)
		slices.Sort(d.snapshotIDs)
	}
}

func (s *Server) deleteDropletLocked(d *droplet) {
	// Destroying a droplet destroys its backups; its snapshots are kept.
	for _, id := range d.backupIDs {
		delete(s.st.images, id)
	}
	if d.pending != nil {
		d.pending.effect = nil
	}
	delete(s.st.droplets, d.id)
}

func (s *Server) sortedDropletsLocked() []*droplet {
	out := make([]*droplet, 0, len(s.st.droplets))
	for _, d := range s.st.droplets {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *droplet) int { return a.id - b.id })
	return out
}

func (d *droplet) hasTag(tag string) bool {
	for _, t := range d.tags {
		if t == tag {
			return true
		}
	}
	return false
}

func (s *Server) dropletViewLocked(d *droplet) Droplet {
	sz, _ := findSize(d.size)
	v := Droplet{
		ID:          d.id,
		Name:        d.name,
		Memory:      sz.memory,
		Vcpus:       sz.vcpus,
		Disk:        d.disk,
		DiskInfo:    []DiskInfo{{Type: "local", Size: DiskSize{Amount: d.disk, Unit: "gib"}}},
		Locked:      d.pending != nil,
		Status:      d.status,
		CreatedAt:   apiTime(d.createdAt),
		Features:    append([]string{}, d.features...),
		BackupIDs:   append([]int{}, d.backupIDs...),
		SnapshotIDs: append([]int{}, d.snapshotIDs...),
		Image:       copyImage(d.image),
		VolumeIDs:   []string{},
		Size:        sizeView(sz),
		SizeSlug:    d.size,
		Region:      regionView(d.region),
		Tags:        append([]string{}, d.tags...),
		VPCUUID:     d.vpc,
	}
	if d.kernel != nil {
		k := *d.kernel
		v.Kernel = &k
	}
	if d.backups {
		v.NextBackupWindow = &BackupWindow{Start: d.nextWindow, End: d.nextWindow.Add(backupWindowHours * time.Hour)}
	}
	a, b := d.id/256%256, d.id%256
	v.Networks.V4 = []NetworkV4{
		{IPAddress: fmt.Sprintf("10.108.%d.%d", a, b), Netmask: "255.255.0.0", Gateway: "nil", Type: "private"},
		{IPAddress: fmt.Sprintf("104.131.%d.%d", a, b), Netmask: "255.255.192.0", Gateway: "104.131.0.1", Type: "public"},
	}
	v.Networks.V6 = []NetworkV6{}
	if d.ipv6 {
		v.Networks.V6 = append(v.Networks.V6, NetworkV6{
			IPAddress: fmt.Sprintf("2604:a880:800:10::%x:%x", d.id>>16, d.id&0xffff),
			Netmask:   64, Gateway: "2604:a880:800:10::1", Type: "public",
		})
	}
	return v
}

func (s *Server) policyRecordLocked(d *droplet) PolicyRecord {
	r := PolicyRecord{DropletID: d.id, BackupEnabled: d.backups}
	if d.backups {
		p := &BackupPolicy{Plan: d.policy.plan, Hour: d.policy.hour,
			WindowLengthHours: backupWindowHours, RetentionPeriodDays: d.policy.retentionDays()}
		if d.policy.plan == "weekly" {
			p.Weekday = d.policy.weekday
		}
		r.BackupPolicy = p
		r.NextBackupWindow = &BackupWindow{Start: d.nextWindow, End: d.nextWindow.Add(backupWindowHours * time.Hour)}
	}
	return r
}

func copyImage(v Image) Image {
	out := v
	if v.Slug != nil {
		s := *v.Slug
		out.Slug = &s
	}
	out.Regions = append([]string{}, v.Regions...)
	if v.Tags != nil {
		out.Tags = append([]string{}, v.Tags...)
	}
	if v.ExpiresAt != nil {
		t := *v.ExpiresAt
		out.ExpiresAt = &t
	}
	return out
}

func addFeature(fs []string, f string) []string {
	for _, x := range fs {
		if x == f {
			return fs
		}
	}
	return append(fs, f)
}

func removeFeature(fs []string, f string) []string {
	out := fs[:0:0]
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

func removeInt(xs []int, v int) []int {
	out := xs[:0:0]
	for _, x := range xs {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// publicImageLocked finds a public image by slug.
func (s *Server) publicImageBySlugLocked(slug string) *image {
	for i := range publicImageCatalog {
		if img := s.st.images[firstImageID+i]; img != nil && img.view.Slug != nil && strings.EqualFold(*img.view.Slug, slug) {
			return img
		}
	}
	return nil
}
