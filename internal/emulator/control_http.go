package emulator

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

// Control endpoints under /_emulator/ are not part of DigitalOcean's API.
// They need no token, are never rate limited, faulted or counted, and only
// answer clients on the loopback interface. Their bodies are decoded
// strictly (see decodeControl).
func (s *Server) controlRoutes() {
	s.handleAdmin("GET /_emulator/stats", noBody(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, s.Stats())
		return nil
	}))
	s.handleAdmin("DELETE /_emulator/stats", noBody(func(w http.ResponseWriter, r *http.Request) error {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	s.handleAdmin("GET /_emulator/faults", noBody(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, s.Faults())
		return nil
	}))
	s.handleAdmin("PUT /_emulator/faults", func(w http.ResponseWriter, r *http.Request) error {
		// Fields left out keep their current values.
		f := s.Faults()
		if err := decodeControl(r, &f); err != nil {
			return err
		}
		if err := f.validate(); err != nil {
			return invalid(err.Error())
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, s.Faults())
		return nil
	})
	s.handleAdmin("POST /_emulator/reset", noBody(func(w http.ResponseWriter, r *http.Request) error {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	s.handleAdmin("POST /_emulator/droplets", func(w http.ResponseWriter, r *http.Request) error {
		var spec DropletSpec
		if err := decodeControl(r, &spec); err != nil {
			return err
		}
		v, err := s.createDropletSpec(spec)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"droplet": v})
		return nil
	})
	s.handleDroplet("POST /_emulator/droplets/{id}/backups", func(w http.ResponseWriter, r *http.Request, id int) error {
		if err := decodeNoBody(r); err != nil {
			return err
		}
		img, err := s.TakeBackup(id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"image": img})
		return nil
	})
	s.handleDroplet("PUT /_emulator/droplets/{id}/ignore_shutdown", func(w http.ResponseWriter, r *http.Request, id int) error {
		var body struct {
			Ignore *bool `json:"ignore"`
		}
		if err := decodeControl(r, &body); err != nil {
			return err
		}
		if body.Ignore == nil {
			return missingField("ignore", `{"ignore": true}`)
		}
		// The droplet may be created later: -ignore-shutdown names IDs in advance too.
		s.SetIgnoreShutdown(id, *body.Ignore)
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	s.handleDroplet("POST /_emulator/droplets/{id}/fail_next_action", func(w http.ResponseWriter, r *http.Request, id int) error {
		var body struct {
			Type string `json:"type"`
		}
		if err := decodeControl(r, &body); err != nil {
			return err
		}
		if body.Type != "" && !slices.Contains(dropletActionTypes, body.Type) {
			return bodyErrorf("field %q: %q is not a droplet action type; the types are %s, or \"\" for any", "type", body.Type, quoted(dropletActionTypes))
		}
		if _, ok := s.Droplet(id); !ok {
			return fmt.Errorf("droplet %d: %w", id, errNotFound)
		}
		s.FailNextAction(id, body.Type)
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	s.handleDroplet("PUT /_emulator/droplets/{id}/backup_policy", func(w http.ResponseWriter, r *http.Request, id int) error {
		var body struct {
			Enabled *bool `json:"enabled"`
			PolicySpec
		}
		if err := decodeControl(r, &body); err != nil {
			return err
		}
		if body.Enabled == nil {
			return missingField("enabled", `{"enabled": true, "plan": "daily", "hour": 4}`)
		}
		if err := s.SetBackupPolicy(id, *body.Enabled, body.PolicySpec); err != nil {
			return err
		}
		rec, _ := s.BackupPolicy(id)
		writeJSON(w, http.StatusOK, map[string]any{"policy": rec})
		return nil
	})
	s.handleDroplet("POST /_emulator/droplets/{id}/actions", func(w http.ResponseWriter, r *http.Request, id int) error {
		var body struct {
			Type     string  `json:"type"`
			Duration *string `json:"duration"`
		}
		if err := decodeControl(r, &body); err != nil {
			return err
		}
		if body.Type == "" {
			return missingField("type", `{"type": "snapshot", "duration": "30s"}`)
		}
		if body.Duration == nil {
			return missingField("duration", `{"type": "snapshot", "duration": "30s"}`)
		}
		d, err := time.ParseDuration(*body.Duration)
		if err != nil || d < 0 {
			return bodyErrorf("field %q must be a duration such as \"30s\", not %q", "duration", *body.Duration)
		}
		a, err := s.StartAction(id, body.Type, d)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"action": a})
		return nil
	})
	s.handleDroplet("PUT /_emulator/droplets/{id}/lock", func(w http.ResponseWriter, r *http.Request, id int) error {
		var body struct {
			Duration   *string `json:"duration"`
			HideLocked bool    `json:"hide_locked"`
		}
		if err := decodeControl(r, &body); err != nil {
			return err
		}
		o := LockOptions{HideLocked: body.HideLocked}
		if body.Duration != nil {
			d, err := time.ParseDuration(*body.Duration)
			if err != nil || d < 0 {
				return bodyErrorf("field %q must be a duration such as \"30s\" (or left out: until released), not %q", "duration", *body.Duration)
			}
			o.Duration = d
		}
		if _, err := s.LockDroplet(id, o); err != nil {
			return err
		}
		l, _ := s.DropletLock(id)
		writeJSON(w, http.StatusOK, map[string]any{"lock": l})
		return nil
	})
	s.handleDroplet("DELETE /_emulator/droplets/{id}/lock", func(w http.ResponseWriter, r *http.Request, id int) error {
		if err := decodeNoBody(r); err != nil {
			return err
		}
		if err := s.UnlockDroplet(id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	s.handleAdmin("/_emulator/", func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusNotFound, id: "not_found", msg: "no such control endpoint"}
	})
}

// controlHandler serves one control endpoint; an error it returns is the answer.
type controlHandler func(w http.ResponseWriter, r *http.Request) error

// noBody wraps the handler of an endpoint that takes no body: anything but
// nothing or {} is refused.
func noBody(h controlHandler) controlHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := decodeNoBody(r); err != nil {
			return err
		}
		return h(w, r)
	}
}

// handleDroplet registers a control endpoint on /_emulator/droplets/{id}/….
// Handlers check the body before whether the droplet exists, so a bad body
// is a 400 whatever the ID.
func (s *Server) handleDroplet(pattern string, h func(w http.ResponseWriter, r *http.Request, id int) error) {
	s.handleAdmin(pattern, func(w http.ResponseWriter, r *http.Request) error {
		id, ok := pathID(r, "id")
		if !ok {
			return errNotFound
		}
		return h(w, r, id)
	})
}

func (s *Server) handleAdmin(pattern string, h controlHandler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !loopbackRemote(r.RemoteAddr) {
			adminError(w, http.StatusForbidden, "control endpoints only answer loopback clients")
			return
		}
		if s.isClosed() {
			writeClosed(w)
			return
		}
		if err := h(w, r); err != nil {
			adminFail(w, err)
		}
	})
}

func loopbackRemote(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, APIError{ID: http.StatusText(status), Message: msg})
}

func adminFail(w http.ResponseWriter, err error) {
	var be *bodyError
	if errors.As(err, &be) {
		writeJSON(w, http.StatusBadRequest, APIError{ID: "bad_request", Message: be.msg})
		return
	}
	he := asHTTPError(err)
	if he.status == http.StatusInternalServerError {
		he = &httpError{status: http.StatusUnprocessableEntity, id: "unprocessable_entity", msg: err.Error()}
	}
	writeJSON(w, he.status, APIError{ID: he.id, Message: he.msg})
}
