package emulator

import (
	"net/http"
	"time"
)

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

func (s *Server) actionLocked(id int) *action {
	i := id - firstActionID
	if i < 0 || i >= len(s.st.actions) {
		return nil
	}
	return s.st.actions[i]
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

type actionRoot struct {
	Action Action `json:"action"`
}

type actionsRoot struct {
	Actions []Action `json:"actions"`
	Links   links    `json:"links"`
	Meta    meta     `json:"meta"`
}

// actionPageLocked answers one page of a list of n actions, newest first
// (page 1 holds the latest), where at(i) is the i-th oldest. The caller holds
// the lock from finding the list to here, so a Reset cannot swap the state
// between reading the IDs and looking them up.
func actionPageLocked(r *http.Request, n int, at func(i int) *action) response {
	start, end, l := page(r, n)
	out := make([]Action, 0, end-start)
	for i := start; i < end; i++ {
		out = append(out, at(n-1-i).view())
	}
	return response{http.StatusOK, actionsRoot{out, l, meta{n}}}
}

func (s *Server) listActions(r *http.Request, _ time.Time) response {
	s.rlock()
	defer s.mu.RUnlock()
	return actionPageLocked(r, len(s.st.actions), func(i int) *action { return s.st.actions[i] })
}

func (s *Server) getAction(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s.rlock()
	defer s.mu.RUnlock()
	a := s.actionLocked(id)
	if a == nil {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, actionRoot{a.view()}}
}

// resourceActions serves the action endpoints that droplets and images share:
// GET and POST /v2/{droplets,images}/{id}/actions and
// GET /v2/{droplets,images}/{id}/actions/{action_id}. Req is the body of the POST.
type resourceActions[Req any] struct {
	s            *Server
	resourceType string // the action's resource_type
	// actionIDsLocked returns the action IDs of the resource, oldest first,
	// and false when there is no such resource.
	actionIDsLocked func(id int) ([]int, bool)
	// startLocked validates req against the resource and starts the action;
	// it answers 404 itself when the resource does not exist.
	startLocked func(now time.Time, id int, req Req) (*action, error)
}

func (ra resourceActions[Req]) list(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	s := ra.s
	s.rlock()
	defer s.mu.RUnlock()
	ids, ok := ra.actionIDsLocked(id)
	if !ok {
		return errResponse(errNotFound)
	}
	// Newest first, like GET /v2/actions (the real order of these lists is
	// not documented).
	return actionPageLocked(r, len(ids), func(i int) *action { return s.actionLocked(ids[i]) })
}

func (ra resourceActions[Req]) get(r *http.Request, _ time.Time) response {
	id, ok1 := pathID(r, "id")
	aid, ok2 := pathID(r, "action_id")
	if !ok1 || !ok2 {
		return errResponse(errNotFound)
	}
	s := ra.s
	s.rlock()
	defer s.mu.RUnlock()
	a := s.actionLocked(aid)
	if _, ok := ra.actionIDsLocked(id); !ok || a == nil || a.resourceType != ra.resourceType || a.resourceID != id {
		return errResponse(errNotFound)
	}
	return response{http.StatusOK, actionRoot{a.view()}}
}

func (ra resourceActions[Req]) post(r *http.Request, _ time.Time) response {
	id, ok := pathID(r, "id")
	if !ok {
		return errResponse(errNotFound)
	}
	var req Req
	if err := decodeBody(r, &req); err != nil {
		return errResponse(err)
	}
	s := ra.s
	now := s.lock()
	defer s.unlock()
	a, err := ra.startLocked(now, id, req)
	if err != nil {
		return errResponse(err)
	}
	return response{http.StatusCreated, actionRoot{a.view()}}
}
