package emulator

import (
	"maps"
	"sync"
	"time"
)

// statsCollector counts API requests. The peak per minute is exact to the
// millisecond: requests are grouped per millisecond in a queue that covers
// the last 60 seconds, so memory stays bounded at any request rate.
type statsCollector struct {
	mu             sync.Mutex
	total          int
	requests       map[string]int
	actionsStarted map[string]int
	rateLimitedN   int
	faultsN        int
	lostN          int

	windowMS    []msCount // oldest first
	windowHead  int
	windowCount int
	peak        int
}

type msCount struct {
	ms    int64
	count int
}

func newStatsCollector() *statsCollector {
	c := &statsCollector{}
	c.reset()
	return c
}

func (c *statsCollector) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total = 0
	c.requests = map[string]int{}
	c.actionsStarted = map[string]int{}
	c.rateLimitedN, c.faultsN, c.lostN = 0, 0, 0
	c.windowMS, c.windowHead, c.windowCount, c.peak = nil, 0, 0, 0
}

func (c *statsCollector) request(pattern string, now time.Time) {
	ms := now.UnixMilli()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	c.requests[pattern]++
	// Drop milliseconds that left the 60-second window ending now.
	for c.windowHead < len(c.windowMS) && c.windowMS[c.windowHead].ms <= ms-60000 {
		c.windowCount -= c.windowMS[c.windowHead].count
		c.windowHead++
	}
	if c.windowHead > 1024 && c.windowHead*2 > len(c.windowMS) {
		c.windowMS = append(c.windowMS[:0], c.windowMS[c.windowHead:]...)
		c.windowHead = 0
	}
	if n := len(c.windowMS); n > c.windowHead && c.windowMS[n-1].ms >= ms {
		c.windowMS[n-1].count++
	} else {
		c.windowMS = append(c.windowMS, msCount{ms: ms, count: 1})
	}
	c.windowCount++
	c.peak = max(c.peak, c.windowCount)
}

func (c *statsCollector) actionStarted(typ string) {
	c.mu.Lock()
	c.actionsStarted[typ]++
	c.mu.Unlock()
}

func (c *statsCollector) rateLimited() {
	c.mu.Lock()
	c.rateLimitedN++
	c.mu.Unlock()
}

func (c *statsCollector) fault() {
	c.mu.Lock()
	c.faultsN++
	c.mu.Unlock()
}

func (c *statsCollector) lostResponse() {
	c.mu.Lock()
	c.lostN++
	c.mu.Unlock()
}

func (c *statsCollector) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		TotalRequests:  c.total,
		Requests:       maps.Clone(c.requests),
		ActionsStarted: maps.Clone(c.actionsStarted),
		PeakPerMinute:  c.peak,
		RateLimited:    c.rateLimitedN,
		Faults:         c.faultsN,
		LostResponses:  c.lostN,
	}
}

// Stats returns the counters since start (or the last Reset/ResetStats).
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the counters without touching state.
func (s *Server) ResetStats() { s.stats.reset() }
