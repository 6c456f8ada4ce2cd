package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) routes() {
	lossy := routeOptions{lossy: true}
	plain := routeOptions{}
	s.handleAPI("GET /v2/actions", s.listActions, plain)
	s.handleAPI("GET /v2/actions/{id}", s.getAction, plain)

	s.handleAPI("GET /v2/droplets", s.listDroplets, plain)
	s.handleAPI("POST /v2/droplets", s.createDroplets, plain)
	s.handleAPI("DELETE /v2/droplets", s.deleteDropletsByTag, plain)
	s.handleAPI("GET /v2/droplets/{id}", s.getDroplet, plain)
	s.handleAPI("DELETE /v2/droplets/{id}", s.deleteDroplet, plain)
	s.handleAPI("GET /v2/droplets/{id}/backups", s.listBackups, plain)
	s.handleAPI("GET /v2/droplets/{id}/snapshots", s.listSnapshots, plain)
	s.handleAPI("GET /v2/droplets/{id}/kernels", s.listKernels, plain)
	s.handleAPI("GET /v2/droplets/{id}/backups/policy", s.getBackupPolicy, plain)
	s.handleAPI("GET /v2/droplets/backups/policies", s.listBackupPolicies, plain)
	s.handleAPI("GET /v2/droplets/backups/supported_policies", s.supportedPolicies, plain)
	s.handleAPI("GET /v2/droplets/{id}/actions", s.listDropletActions, plain)
	s.handleAPI("POST /v2/droplets/{id}/actions", s.postDropletAction, lossy)
	s.handleAPI("GET /v2/droplets/{id}/actions/{action_id}", s.getDropletAction, plain)
	s.handleAPI("POST /v2/droplets/actions", s.postTagAction, lossy)

	s.handleAPI("GET /v2/images/{id}", s.getImage, plain)
	s.handleAPI("PUT /v2/images/{id}", s.updateImage, plain)
	s.handleAPI("DELETE /v2/images/{id}", s.deleteImage, plain)
	s.handleAPI("GET /v2/images/{id}/actions", s.listImageActions, plain)
	s.handleAPI("POST /v2/images/{id}/actions", s.postImageAction, lossy)
	s.handleAPI("GET /v2/images/{id}/actions/{action_id}", s.getImageAction, plain)

	// Anything else under /v2/ is an authenticated 404, as on the real API.
	s.handleAPI("/v2/", func(*http.Request, time.Time) response { return errResponse(errNotFound) }, plain)

	s.adminRoutes()
}

// Actions.

func (s *Server) listActionsFrom(r *http.Request, ids func() []int) response {
	s.rlock()
	defer s.mu.RUnlock()
	var all []*action
	if ids == nil {
		all = s.st.actions
	} else {
		for _, id := range ids() {
			all = append(all, s.actionLocked(id))
		}
	}
	total := len(all)
	start, end, l := page(r, total)
	// Newest first: page 1 holds the latest actions.
	out := make([]Action, 0, end-start)
	for i := start; i < end; i++ {
		out = append(out, all[total-1-i].view())
	}
	return response{http.StatusOK, struct {
		Actions []Action `json:"actions"`
		Links   links    `json:"links"`
		Meta    meta     `json:"meta"`
	}{out, l, meta{total}}}
}

func (s *Server) listActions(r *http.Request, _ time.Time) response {
	return s.listActionsFrom(r, nil)
}

type actionRoot struct {
	Action Action `json:"action"`
}

func (s *Server) getAction(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.rlock()
	a := s.actionLocked(id)
	var v Action
	if a != nil {
		v = a.view()
	}
	s.mu.RUnlock()
	if a == nil {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, actionRoot{v}}
}

// Droplets.

type dropletsRoot struct {
	Droplets []Droplet `json:"droplets"`
	Links    links     `json:"links"`
	Meta     meta      `json:"meta"`
}

func (s *Server) listDroplets(r *http.Request, _ time.Time) response {
	q := r.URL.Query()
	tag, name, typ := q.Get("tag_name"), q.Get("name"), q.Get("type")
	if tag != "" && (name != "" || typ != "") {
		// The spec says tag_name cannot be combined with name or type; the
		// exact error is undocumented.
		return errResponse(invalid("tag_name cannot be combined with name or type"))
	}
	if typ != "" && typ != "droplets" && typ != "gpus" {
		return errResponse(invalid("type must be droplets or gpus"))
	}
	s.rlock()
	defer s.mu.RUnlock()
	var match []*droplet
	if typ != "gpus" { // the emulator has no GPU sizes
		for _, d := range s.sortedDropletsLocked() {
			if (tag == "" || d.hasTag(tag)) && (name == "" || strings.EqualFold(d.name, name)) {
				match = append(match, d)
			}
		}
	}
	start, end, l := page(r, len(match))
	out := make([]Droplet, 0, end-start)
	for _, d := range match[start:end] {
		out = append(out, s.dropletViewLocked(d))
	}
	return response{http.StatusOK, dropletsRoot{out, l, meta{len(match)}}}
}

type createRequest struct {
	Name              string            `json:"name"`
	Names             []string          `json:"names"`
	Region            string            `json:"region"`
	Size              string            `json:"size"`
	Image             json.RawMessage   `json:"image"`
	SSHKeys           []json.RawMessage `json:"ssh_keys"`
	Backups           bool              `json:"backups"`
	BackupPolicy      *PolicySpec       `json:"backup_policy"`
	IPv6              bool              `json:"ipv6"`
	Monitoring        bool              `json:"monitoring"`
	Tags              []string          `json:"tags"`
	UserData          string            `json:"user_data"`
	PrivateNetworking bool              `json:"private_networking"`
	Volumes           []json.RawMessage `json:"volumes"`
	VPCUUID           string            `json:"vpc_uuid"`
	WithDropletAgent  *bool             `json:"with_droplet_agent"`
	PublicNetworking  *bool             `json:"public_networking"`
}

func (s *Server) createDroplets(r *http.Request, _ time.Time) response {
	var req createRequest
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	multi := req.Names != nil
	names := req.Names
	if !multi {
		names = []string{req.Name}
	}
	switch {
	case multi && len(names) == 0:
		return errResponse(invalid("names must contain at least one name"))
	case len(names) > 10:
		return errResponse(invalid("You can only create up to 10 Droplets at a time."))
	}
	for _, n := range names {
		if n == "" {
			return errResponse(invalid("Name is required."))
		}
		if !validName(n) {
			return errResponse(invalid(nameMessage))
		}
	}
	if req.Size == "" {
		return errResponse(invalid("Size is required."))
	}
	img, err := imageRef(req.Image)
	if err != nil {
		return errResponse(invalid("Image is required."))
	}
	for _, t := range req.Tags {
		if !validTag(t) {
			return errResponse(invalid("Tag names may only contain letters, numbers, colons, dashes and underscores and be at most 255 characters."))
		}
	}
	if len(req.UserData) > 64*1024 {
		return errResponse(invalid("user_data may not exceed 64 KiB."))
	}
	if req.PublicNetworking != nil && !*req.PublicNetworking && req.IPv6 {
		return errResponse(invalid("ipv6 must be false when public_networking is false."))
	}
	region := req.Region
	if region == "" {
		// Without a region DigitalOcean picks one; the emulator always picks nyc3.
		region = defaultRegion
	}
	// A region prefix such as "nyc" selects any datacenter in it.
	if _, ok := findRegion(region); !ok {
		for _, ri := range regionCatalog {
			if strings.HasPrefix(ri.slug, region) && len(ri.slug) == len(region)+1 {
				region = ri.slug
				break
			}
		}
	}

	now := s.lock()
	defer s.unlock()
	var pol policy
	if req.Backups {
		// backup_policy without backups: true is ignored (undocumented).
		p, err := resolvePolicy(req.BackupPolicy, nil, s.defaultHour(s.st.nextDropletID))
		if err != nil {
			return errResponse(err)
		}
		pol = p
	}
	// Validate everything that can fail before creating anything.
	if _, ok := findSize(req.Size); !ok {
		return errResponse(invalid("You specified an invalid size for Droplet creation."))
	}
	if _, ok := findRegion(region); !ok {
		return errResponse(invalid("You specified an invalid region for Droplet creation."))
	}
	if i := s.imageByRefLocked(img); i == nil || i.view.Type == "admin" {
		return errResponse(invalid("You specified an invalid image for Droplet creation."))
	}
	views := make([]Droplet, 0, len(names))
	var l links
	for _, n := range names {
		d, err := s.createDropletLocked(now, dropletParams{
			name: n, region: region, size: req.Size, image: img, tags: req.Tags,
			backups: req.Backups, policy: pol, ipv6: req.IPv6, monitoring: req.Monitoring,
		})
		if err != nil {
			return errResponse(err)
		}
		s.stats.actionStarted("create")
		d.status = "new"
		id := d.id
		a := s.newActionLocked(now, "create", "droplet", id, region, s.durationFor("create"), false, func(time.Time) {
			if d := s.st.droplets[id]; d != nil && d.status == "new" {
				d.status = "active"
			}
		})
		l.Actions = append(l.Actions, actionLink{ID: a.id, Rel: "create", HREF: actionHREF(r, a.id)})
		views = append(views, s.dropletViewLocked(d))
	}
	if multi {
		return response{http.StatusAccepted, struct {
			Droplets []Droplet `json:"droplets"`
			Links    links     `json:"links"`
		}{views, l}}
	}
	return response{http.StatusAccepted, struct {
		Droplet Droplet `json:"droplet"`
		Links   links   `json:"links"`
	}{views[0], l}}
}

func actionHREF(r *http.Request, id int) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/v2/actions/" + strconv.Itoa(id)
}

func (s *Server) getDroplet(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	v, ok := s.Droplet(id)
	if !ok {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, struct {
		Droplet Droplet `json:"droplet"`
	}{v}}
}

func (s *Server) deleteDroplet(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok || !s.DeleteDroplet(id) {
		return errResponse(errNotFound)
	}
	return response{status: http.StatusNoContent}
}

func (s *Server) deleteDropletsByTag(r *http.Request, _ time.Time) response {
	tag := r.URL.Query().Get("tag_name")
	if tag == "" {
		// The real API requires tag_name here; the exact error is undocumented.
		return errResponse(invalid("tag_name is required"))
	}
	s.lock()
	defer s.unlock()
	for _, d := range s.sortedDropletsLocked() {
		if d.hasTag(tag) {
			s.deleteDropletLocked(d)
		}
	}
	return response{status: http.StatusNoContent}
}

// withDroplet runs f under the read lock with the path's droplet, or answers 404.
func (s *Server) withDroplet(r *http.Request, f func(d *droplet) response) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.rlock()
	defer s.mu.RUnlock()
	d := s.st.droplets[id]
	if d == nil {
		return errResponse(errNotFound)
	}
	return f(d)
}

// dropletImagesLocked lists a droplet's backups or snapshots, newest first.
func (s *Server) dropletImagesLocked(r *http.Request, ids []int, key string) response {
	total := len(ids)
	start, end, l := page(r, total)
	out := make([]Image, 0, end-start)
	for i := start; i < end; i++ {
		if img := s.st.images[ids[total-1-i]]; img != nil {
			out = append(out, copyImage(img.view))
		}
	}
	body := map[string]any{key: out, "links": l, "meta": meta{total}}
	return response{http.StatusOK, body}
}

func (s *Server) listBackups(r *http.Request, _ time.Time) response {
	return s.withDroplet(r, func(d *droplet) response { return s.dropletImagesLocked(r, d.backupIDs, "backups") })
}

func (s *Server) listSnapshots(r *http.Request, _ time.Time) response {
	return s.withDroplet(r, func(d *droplet) response { return s.dropletImagesLocked(r, d.snapshotIDs, "snapshots") })
}

func (s *Server) listKernels(r *http.Request, _ time.Time) response {
	return s.withDroplet(r, func(*droplet) response {
		start, end, l := page(r, len(kernelCatalog))
		return response{http.StatusOK, struct {
			Kernels []Kernel `json:"kernels"`
			Links   links    `json:"links"`
			Meta    meta     `json:"meta"`
		}{slices.Clone(kernelCatalog[start:end]), l, meta{len(kernelCatalog)}}}
	})
}

func (s *Server) getBackupPolicy(r *http.Request, _ time.Time) response {
	return s.withDroplet(r, func(d *droplet) response {
		return response{http.StatusOK, struct {
			Policy PolicyRecord `json:"policy"`
		}{s.policyRecordLocked(d)}}
	})
}

func (s *Server) listBackupPolicies(r *http.Request, _ time.Time) response {
	s.rlock()
	defer s.mu.RUnlock()
	all := s.sortedDropletsLocked()
	start, end, l := page(r, len(all))
	out := make(map[string]PolicyRecord, end-start)
	for _, d := range all[start:end] {
		out[strconv.Itoa(d.id)] = s.policyRecordLocked(d)
	}
	return response{http.StatusOK, struct {
		Policies map[string]PolicyRecord `json:"policies"`
		Links    links                   `json:"links"`
		Meta     meta                    `json:"meta"`
	}{out, l, meta{len(all)}}}
}

// SupportedPolicies is what GET /v2/droplets/backups/supported_policies lists.
func SupportedPolicies() []SupportedPolicy {
	return []SupportedPolicy{
		{Name: "weekly", PossibleWindowStarts: slices.Clone(backupHours), WindowLengthHours: backupWindowHours,
			RetentionPeriodDays: weeklyRetentionDays, PossibleDays: slices.Clone(weekdays)},
		{Name: "daily", PossibleWindowStarts: slices.Clone(backupHours), WindowLengthHours: backupWindowHours,
			RetentionPeriodDays: dailyRetentionDays, PossibleDays: []string{}},
	}
}

func (s *Server) supportedPolicies(*http.Request, time.Time) response {
	return response{http.StatusOK, struct {
		SupportedPolicies []SupportedPolicy `json:"supported_policies"`
	}{SupportedPolicies()}}
}

// Droplet actions.

func (s *Server) listDropletActions(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.rlock()
	d := s.st.droplets[id]
	var ids []int
	if d != nil {
		ids = slices.Clone(d.actionIDs)
	}
	s.mu.RUnlock()
	if d == nil {
		return errResponse(errNotFound)
	}
	// Newest first, like GET /v2/actions (the real order of this list is
	// not documented).
	return s.listActionsFrom(r, func() []int { return ids })
}

func (s *Server) postDropletAction(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	var req actionRequest
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	now := s.lock()
	defer s.unlock()
	d := s.st.droplets[id]
	if d == nil {
		return errResponse(errNotFound)
	}
	a, err := s.startDropletActionLocked(now, d, req)
	if err != nil {
		return errResponse(err)
	}
	return response{http.StatusCreated, actionRoot{a.view()}}
}

func (s *Server) postTagAction(r *http.Request, _ time.Time) response {
	tag := r.URL.Query().Get("tag_name")
	if tag == "" {
		return errResponse(invalid("tag_name is required"))
	}
	var req actionRequest
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	now := s.lock()
	defer s.unlock()
	as, err := s.startTagActionLocked(now, tag, req)
	if err != nil {
		return errResponse(err)
	}
	out := make([]Action, 0, len(as))
	for _, a := range as {
		out = append(out, a.view())
	}
	return response{http.StatusCreated, struct {
		Actions []Action `json:"actions"`
	}{out}}
}

func (s *Server) getDropletAction(r *http.Request, _ time.Time) response {
	id, ok1 := pathID(r, "id")
	aid, ok2 := pathID(r, "action_id")
	if !ok1 || !ok2 {
		return errResponse(errNotFound)
	}
	s.rlock()
	defer s.mu.RUnlock()
	a := s.actionLocked(aid)
	if s.st.droplets[id] == nil || a == nil || a.resourceType != "droplet" || a.resourceID != id {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, actionRoot{a.view()}}
}

// Images.

func (s *Server) imageFromPathLocked(r *http.Request) *image {
	ref := r.PathValue("id")
	if n, err := strconv.Atoi(ref); err == nil {
		return s.st.images[n]
	}
	return s.publicImageBySlugLocked(ref)
}

func (s *Server) getImage(r *http.Request, _ time.Time) response {
	s.rlock()
	defer s.mu.RUnlock()
	img := s.imageFromPathLocked(r)
	if img == nil {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, struct {
		Image Image `json:"image"`
	}{copyImage(img.view)}}
}

// distributions are the values the spec lists; any other is stored as
// "Unknown", as the spec describes.
var distributions = []string{"Arch Linux", "CentOS", "CoreOS", "Debian", "Fedora", "Fedora Atomic", "FreeBSD",
	"Gentoo", "openSUSE", "RancherOS", "Rocky Linux", "Ubuntu", "Unknown"}

func (s *Server) updateImage(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	var req struct {
		Name         *string `json:"name"`
		Distribution *string `json:"distribution"`
		Description  *string `json:"description"`
	}
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	s.lock()
	defer s.unlock()
	img := s.st.images[id]
	switch {
	case img == nil:
		return errResponse(errNotFound)
	case img.view.Public:
		return errResponse(&httpError{status: http.StatusForbidden, id: "forbidden", msg: "You do not have access for the attempted action."})
	case req.Name != nil && *req.Name == "":
		return errResponse(invalid("name can not be blank"))
	}
	if req.Name != nil {
		img.view.Name = *req.Name
	}
	if req.Distribution != nil {
		img.view.Distribution = "Unknown"
		if slices.Contains(distributions, *req.Distribution) {
			img.view.Distribution = *req.Distribution
		}
	}
	if req.Description != nil {
		img.view.Description = *req.Description
	}
	return response{http.StatusOK, struct {
		Image Image `json:"image"`
	}{copyImage(img.view)}}
}

func (s *Server) deleteImage(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.lock()
	defer s.unlock()
	img := s.st.images[id]
	switch {
	case img == nil:
		return errResponse(errNotFound)
	case img.view.Public:
		// Deleting a public image is refused; the exact status is undocumented.
		return errResponse(&httpError{status: http.StatusForbidden, id: "forbidden", msg: "You do not have access for the attempted action."})
	case img.view.Type == "backup":
		// The API documents DELETE for snapshots and custom images only; the
		// emulator refuses backups (convert one to a snapshot first).
		return errResponse(invalid("Backups can not be deleted; convert the backup to a snapshot first."))
	}
	s.removeImageLocked(img)
	return response{status: http.StatusNoContent}
}

func (s *Server) listImageActions(r *http.Request, _ time.Time) response {
	s.rlock()
	img := s.imageFromPathLocked(r)
	var ids []int
	if img != nil {
		ids = slices.Clone(img.actionIDs)
	}
	s.mu.RUnlock()
	if img == nil {
		return errResponse(errNotFound)
	}
	return s.listActionsFrom(r, func() []int { return ids })
}

func (s *Server) postImageAction(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	var req imageActionRequest
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	now := s.lock()
	defer s.unlock()
	img := s.st.images[id]
	if img == nil {
		return errResponse(errNotFound)
	}
	a, err := s.startImageActionLocked(now, img, req)
	if err != nil {
		return errResponse(err)
	}
	return response{http.StatusCreated, actionRoot{a.view()}}
}

func (s *Server) getImageAction(r *http.Request, _ time.Time) response {
	id, ok1 := pathID(r, "id")
	aid, ok2 := pathID(r, "action_id")
	if !ok1 || !ok2 {
		return errResponse(errNotFound)
	}
	s.rlock()
	defer s.mu.RUnlock()
	a := s.actionLocked(aid)
	if s.st.images[id] == nil || a == nil || a.resourceType != "image" || a.resourceID != id {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, actionRoot{a.view()}}
}
