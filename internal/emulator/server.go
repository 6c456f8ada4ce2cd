package emulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value is usable: one token
// ("emulator-token"), actions that complete at once, no rate limit, no faults.
type Options struct {
	Tokens             []string                 // accepted bearer tokens; default {"emulator-token"}
	ActionDuration     time.Duration            // 0 = actions complete at once; DefaultOptions() has the program's 2s
	ActionDurations    map[string]time.Duration // per action type override
	Latency            time.Duration            // added to every API request
	RateLimitPerMinute int                      // 0 = unlimited
	RateLimitPerHour   int                      // 0 = unlimited
	FaultRate          float64                  // fraction of requests answered 5xx before they take effect
	LostResponseRate   float64                  // fraction of action POSTs that take effect but whose response is lost
	ErroredRate        float64                  // fraction of actions that end errored
	Seed               int64
	Droplets           int              // droplets created at start
	Now                func() time.Time // optional clock
	// IgnoreShutdown lists droplet IDs whose guest ignores shutdown. The IDs
	// may belong to droplets created later (IDs are assigned in order).
	IgnoreShutdown []int
}

// DefaultToken is the token accepted when Options.Tokens is empty.
const DefaultToken = "emulator-token"

// DefaultOptions returns the defaults of cmd/droplet-emulator: DigitalOcean's
// rate limits and actions that take two seconds.
func DefaultOptions() Options {
	return Options{
		Tokens:             []string{DefaultToken},
		ActionDuration:     2 * time.Second,
		RateLimitPerMinute: 250,
		RateLimitPerHour:   5000,
	}
}

// Faults are the settings that can change while the emulator runs
// (SetFaults, PUT /_emulator/faults). Their JSON names are the flag names.
type Faults struct {
	FaultRate          float64
	LostResponseRate   float64
	ErroredRate        float64
	RateLimitPerMinute int
	RateLimitPerHour   int
	Latency            time.Duration
	// ActionDuration nil leaves the current default duration unchanged.
	ActionDuration *time.Duration
	// ActionDurations nil leaves the per-type overrides unchanged; an empty
	// non-nil map removes them all.
	ActionDurations map[string]time.Duration
}

// Server is the emulator: an http.Handler over in-memory state.
type Server struct {
	opts   Options
	now    func() time.Time
	tokens [][]byte
	mux    *http.ServeMux

	// mu guards st. Reads take the read lock once pending timed events
	// (action completions, backup windows, retention ends) have been applied.
	mu      sync.RWMutex
	st      *state
	nextDue atomic.Int64 // UnixNano of the earliest pending timed event

	cfg atomic.Pointer[Faults]

	rngMu sync.Mutex
	rng   *rand.Rand

	limiter *rateLimiter
	stats   *statsCollector
	reqSeq  atomic.Uint64

	closeOnce sync.Once
}

// New returns a Server with Options applied and opts.Droplets droplets created.
func New(opts Options) *Server {
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{DefaultToken}
	}
	s := &Server{opts: opts, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	for _, t := range opts.Tokens {
		if t != "" {
			s.tokens = append(s.tokens, []byte(t))
		}
	}
	s.limiter = newRateLimiter()
	s.stats = newStatsCollector()
	s.mux = http.NewServeMux()
	s.routes()
	s.Reset()
	return s
}

// ServeHTTP serves the DigitalOcean API under /v2/ and the control
// endpoints under /_emulator/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Close releases the Server. Timed events are evaluated lazily on each
// request, so there are no goroutines to stop; Close exists so callers need
// not know that.
func (s *Server) Close() {
	s.closeOnce.Do(func() {})
}

// Reset drops all state and statistics and returns to what New(opts) built,
// including the seeded droplets, the fault settings and the ID counters.
func (s *Server) Reset() {
	now := s.now()
	f := faultsFromOptions(s.opts)
	s.cfg.Store(&f)

	s.rngMu.Lock()
	s.rng = rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(s.opts.Seed)^0x9e3779b97f4a7c15))
	s.rngMu.Unlock()

	s.mu.Lock()
	s.st = newState()
	for _, id := range s.opts.IgnoreShutdown {
		s.st.ignoreShutdown[id] = true
	}
	s.seedLocked(now)
	s.updateNextDueLocked()
	s.mu.Unlock()

	s.limiter.reset()
	s.stats.reset()
}

func faultsFromOptions(o Options) Faults {
	d := o.ActionDuration
	durations := make(map[string]time.Duration, len(o.ActionDurations))
	for k, v := range o.ActionDurations {
		durations[k] = v
	}
	return Faults{
		FaultRate:          o.FaultRate,
		LostResponseRate:   o.LostResponseRate,
		ErroredRate:        o.ErroredRate,
		RateLimitPerMinute: o.RateLimitPerMinute,
		RateLimitPerHour:   o.RateLimitPerHour,
		Latency:            o.Latency,
		ActionDuration:     &d,
		ActionDurations:    durations,
	}
}

// SetFaults changes the run-time settings. See Faults for how nil fields are treated.
func (s *Server) SetFaults(f Faults) {
	cur := s.Faults()
	next := f
	if f.ActionDuration == nil {
		next.ActionDuration = cur.ActionDuration
	} else {
		d := *f.ActionDuration
		next.ActionDuration = &d
	}
	if f.ActionDurations == nil {
		next.ActionDurations = cur.ActionDurations
	} else {
		m := make(map[string]time.Duration, len(f.ActionDurations))
		for k, v := range f.ActionDurations {
			m[k] = v
		}
		next.ActionDurations = m
	}
	s.cfg.Store(&next)
}

// Faults returns a copy of the current run-time settings.
func (s *Server) Faults() Faults {
	cur := s.cfg.Load()
	out := *cur
	d := *cur.ActionDuration
	out.ActionDuration = &d
	out.ActionDurations = make(map[string]time.Duration, len(cur.ActionDurations))
	for k, v := range cur.ActionDurations {
		out.ActionDurations[k] = v
	}
	return out
}

func (s *Server) durationFor(actionType string) time.Duration {
	cfg := s.cfg.Load()
	if d, ok := cfg.ActionDurations[actionType]; ok {
		return d
	}
	return *cfg.ActionDuration
}

// chance reports true with probability p, from the seeded generator.
func (s *Server) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	s.rngMu.Lock()
	v := s.rng.Float64()
	s.rngMu.Unlock()
	return v < p
}

func (s *Server) randIntN(n int) int {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.IntN(n)
}

// Running is an emulator listening on a loopback port.
type Running struct {
	URL    string // http://127.0.0.1:PORT
	Server *Server

	httpServer *http.Server
	listener   net.Listener
	done       chan struct{}
}

// Start creates a Server and serves it on 127.0.0.1 at a free port.
func Start(opts Options) (*Running, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn is Start on a given loopback address. Non-loopback addresses are
// refused: the emulator accepts a fixed token and must not be reachable from
// other machines.
func StartOn(addr string, opts Options) (*Running, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := New(opts)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	r := &Running{
		URL:        "http://" + ln.Addr().String(),
		Server:     s,
		httpServer: hs,
		listener:   ln,
		done:       make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		_ = hs.Serve(ln)
	}()
	return r, nil
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.httpServer.Shutdown(ctx)
	if err != nil {
		_ = r.httpServer.Close()
	}
	<-r.done
	r.Server.Close()
	return err
}

// Close stops the listener and the server at once.
func (r *Running) Close() {
	_ = r.httpServer.Close()
	<-r.done
	r.Server.Close()
}

// CheckLoopback returns an error unless addr (host:port) names a loopback
// address ("localhost", 127.0.0.0/8 or ::1).
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback address: the emulator only listens on 127.0.0.1, ::1 or localhost", addr)
	}
	return nil
}

// Errors returned by the direct Go methods.
var (
	ErrNotFound     = errors.New("not found")
	ErrPendingEvent = errors.New("droplet already has a pending event")
	ErrInvalid      = errors.New("invalid request")
)
