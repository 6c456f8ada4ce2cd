package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Droplet actions: POST /v2/droplets/{id}/actions and by tag; what each
// type does is in droplet_action_types.go.

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

// dropletActions serves a droplet's action endpoints (see resourceActions).
func (s *Server) dropletActions() resourceActions[actionRequest] {
	return resourceActions[actionRequest]{
		s:            s,
		resourceType: "droplet",
		actionIDsLocked: func(id int) ([]int, bool) {
			if d := s.st.droplets[id]; d != nil {
				return d.actionIDs, true
			}
			return nil, false
		},
		startLocked: func(now time.Time, id int, req actionRequest) (*action, error) {
			d := s.st.droplets[id]
			if d == nil {
				return nil, errNotFound
			}
			return s.startDropletActionLocked(now, d, req)
		},
	}
}

// startDropletActionLocked starts one droplet action requested through the API.
func (s *Server) startDropletActionLocked(now time.Time, d *droplet, req actionRequest) (*action, error) {
	if d.busy() {
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
			if d.busy() {
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
