package emulator

import (
	"encoding/json"
	"net"
	"net/http"
	"time"
)

// Control endpoints under /_emulator/ are not part of DigitalOcean's API.
// They need no token, are never rate limited, faulted or counted, and only
// answer clients on the loopback interface.
func (s *Server) controlRoutes() {
	s.handleAdmin("GET /_emulator/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	s.handleAdmin("DELETE /_emulator/stats", func(w http.ResponseWriter, r *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	s.handleAdmin("GET /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	s.handleAdmin("PUT /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		// Fields left out keep their current values.
		f := s.Faults()
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err := f.validate(); err != nil {
			adminError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, s.Faults())
	})
	s.handleAdmin("POST /_emulator/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	s.handleAdmin("POST /_emulator/droplets", func(w http.ResponseWriter, r *http.Request) {
		var spec DropletSpec
		if err := json.NewDecoder(r.Body).Decode(&spec); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		v, err := s.createDropletSpec(spec)
		if err != nil {
			adminFail(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"droplet": v})
	})
	s.handleAdmin("POST /_emulator/droplets/{id}/backups", func(w http.ResponseWriter, r *http.Request) {
		id, _ := pathID(r, "id")
		img, err := s.TakeBackup(id)
		if err != nil {
			adminFail(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"image": img})
	})
	s.handleAdmin("PUT /_emulator/droplets/{id}/ignore_shutdown", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Ignore bool `json:"ignore"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		id, ok := pathID(r, "id")
		if !ok {
			adminFail(w, errNotFound)
			return
		}
		// The droplet may be created later: -ignore-shutdown names IDs in advance too.
		s.SetIgnoreShutdown(id, body.Ignore)
		w.WriteHeader(http.StatusNoContent)
	})
	s.handleAdmin("POST /_emulator/droplets/{id}/fail_next_action", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Type string `json:"type"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		id, _ := pathID(r, "id")
		if _, ok := s.Droplet(id); !ok {
			adminFail(w, errNotFound)
			return
		}
		s.FailNextAction(id, body.Type)
		w.WriteHeader(http.StatusNoContent)
	})
	s.handleAdmin("PUT /_emulator/droplets/{id}/backup_policy", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Enabled bool `json:"enabled"`
			PolicySpec
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		id, _ := pathID(r, "id")
		if err := s.SetBackupPolicy(id, body.Enabled, body.PolicySpec); err != nil {
			adminFail(w, err)
			return
		}
		rec, _ := s.BackupPolicy(id)
		writeJSON(w, http.StatusOK, map[string]any{"policy": rec})
	})
	s.handleAdmin("POST /_emulator/droplets/{id}/actions", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Type     string `json:"type"`
			Duration string `json:"duration"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		d, err := time.ParseDuration(body.Duration)
		if err != nil || body.Type == "" {
			adminError(w, http.StatusUnprocessableEntity, `need "type" and "duration" (e.g. "30s")`)
			return
		}
		id, _ := pathID(r, "id")
		a, err := s.StartAction(id, body.Type, d)
		if err != nil {
			adminFail(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"action": a})
	})
	s.handleAdmin("/_emulator/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "no such control endpoint")
	})
}

func (s *Server) handleAdmin(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !loopbackRemote(r.RemoteAddr) {
			adminError(w, http.StatusForbidden, "control endpoints only answer loopback clients")
			return
		}
		if s.isClosed() {
			writeClosed(w)
			return
		}
		h(w, r)
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
	he := asHTTPError(err)
	if he.status == http.StatusInternalServerError {
		he = &httpError{status: http.StatusUnprocessableEntity, id: "unprocessable_entity", msg: err.Error()}
	}
	writeJSON(w, he.status, APIError{ID: he.id, Message: he.msg})
}
