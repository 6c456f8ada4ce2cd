package emulator

import (
	"math/rand/v2"
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
	// NoUsageBasedBackups makes the account one that does not offer the
	// usage-based backup plans (intra_daily_4h, _6h, _12h): they are left out
	// of supported_policies and refused like an unknown plan.
	NoUsageBasedBackups bool
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

	// closed ends requests waiting out their latency and refuses new ones
	// once Close is called.
	closed    chan struct{}
	closeOnce sync.Once
}

// New returns a Server with Options applied and opts.Droplets droplets created.
func New(opts Options) *Server {
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{DefaultToken}
	}
	s := &Server{opts: opts, now: opts.Now, closed: make(chan struct{})}
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

// Close releases the Server: requests waiting out the latency setting are
// answered 503 at once, and every request after it gets 503 too. Timed
// events are applied lazily on each request, so no timer or goroutine of the
// Server's outlives Close. The Go control methods keep working on the state
// as it was. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

func (s *Server) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
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
