package emulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Handlers for /v2/droplets: list, create, get, delete, and a droplet's
// backups, snapshots and kernels.

var (
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$`)
	tagPattern  = regexp.MustCompile(`^[a-zA-Z0-9_\-:]+$`)
)

func validName(n string) bool { return len(n) <= 255 && namePattern.MatchString(n) }
func validTag(t string) bool  { return len(t) <= 255 && tagPattern.MatchString(t) }

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
	if !knownRegion(region) {
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
		p, err := s.resolvePolicy(req.BackupPolicy, nil, s.st.nextDropletID)
		if err != nil {
			return errResponse(err)
		}
		pol = p
	}
	// Validate everything that can fail before creating anything.
	if _, ok := findSize(req.Size); !ok {
		return errResponse(invalid("You specified an invalid size for Droplet creation."))
	}
	if !knownRegion(region) {
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
