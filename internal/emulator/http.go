package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// response is what an API handler produces; the wrapper writes it (or,
// for lost responses, does not).
type response struct {
	status int
	body   any
}

func errResponse(err error) response {
	he := asHTTPError(err)
	return response{status: he.status, body: APIError{ID: he.id, Message: he.msg}}
}

type apiHandler func(r *http.Request, now time.Time) response

// routeOptions mark handlers whose success may be "lost" (action POSTs).
type routeOptions struct {
	lossy bool
}

// handleAPI registers an API route. pattern doubles as the Stats key.
func (s *Server) handleAPI(pattern string, h apiHandler, o routeOptions) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.serveAPI(w, r, pattern, h, o)
	})
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, pattern string, h apiHandler, o routeOptions) {
	cfg := s.cfg.Load()
	if s.isClosed() {
		writeClosed(w)
		return
	}
	if cfg.Latency > 0 {
		t := time.NewTimer(cfg.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.closed:
			t.Stop()
			writeClosed(w)
			return
		}
	}
	now := s.now()
	s.stats.request(pattern, now)
	reqID := s.requestID()
	w.Header().Set("X-Request-Id", reqID)

	token, ok := s.authenticate(r)
	rl := s.limiter.allow(token, now, cfg.RateLimitPerMinute, cfg.RateLimitPerHour)
	h2 := w.Header()
	h2.Set("RateLimit-Limit", strconv.Itoa(rl.limit))
	h2.Set("RateLimit-Remaining", strconv.Itoa(rl.remaining))
	h2.Set("RateLimit-Reset", strconv.FormatInt(rl.reset, 10))
	if !ok {
		writeJSON(w, http.StatusUnauthorized, APIError{ID: "unauthorized", Message: "Unable to authenticate you.", RequestID: reqID})
		return
	}
	if !rl.allowed {
		s.stats.rateLimited()
		h2.Set("Retry-After", strconv.Itoa(rl.retryAfter))
		writeJSON(w, http.StatusTooManyRequests, APIError{ID: "too_many_requests", Message: "API rate limit exceeded.", RequestID: reqID})
		return
	}
	if s.chance(cfg.FaultRate) {
		s.stats.fault()
		writeServerError(w, reqID)
		return
	}
	resp := h(r, now)
	if o.lossy && resp.status < 300 && s.chance(cfg.LostResponseRate) {
		s.stats.lostResponse()
		// The action has started; the client never hears of it. Half the
		// time the connection just drops, otherwise a 5xx comes back.
		if s.randIntN(2) == 0 {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
		}
		writeServerError(w, reqID)
		return
	}
	if e, ok := resp.body.(APIError); ok {
		e.RequestID = reqID
		resp.body = e
	}
	writeJSON(w, resp.status, resp.body)
}

// writeClosed answers a request that reached a closed Server.
func writeClosed(w http.ResponseWriter) {
	writeJSON(w, http.StatusServiceUnavailable, APIError{ID: "service_unavailable", Message: "The emulator has been closed."})
}

func writeServerError(w http.ResponseWriter, reqID string) {
	writeJSON(w, http.StatusInternalServerError, APIError{ID: "server_error", Message: "Unexpected server-side error", RequestID: reqID})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(body); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = enc.Encode(APIError{ID: "server_error", Message: "Unexpected server-side error"})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) requestID() string {
	n := s.reqSeq.Add(1)
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n)
}

// authenticate returns the bearer token and whether it is accepted. An
// unaccepted request is rate limited under the empty token.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	tok := strings.TrimSpace(h[len(prefix):])
	for _, t := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(tok), t) == 1 {
			return tok, true
		}
	}
	return "", false
}

// pathID parses a positive integer path value.
func pathID(r *http.Request, name string) (int, bool) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return errBadBody
	}
	return nil
}
