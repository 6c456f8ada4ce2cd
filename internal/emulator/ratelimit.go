package emulator

import (
	"math"
	"sync"
	"time"
)

// timeQueue is a FIFO of request times (UnixNano) that grows as needed.
type timeQueue struct {
	buf        []int64
	head, size int
}

func (q *timeQueue) push(t int64) {
	if q.size == len(q.buf) {
		n := max(16, 2*len(q.buf))
		nb := make([]int64, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = t
	q.size++
}

func (q *timeQueue) oldest() int64 { return q.buf[q.head] }

// expire drops entries at or before cutoff.
func (q *timeQueue) expire(cutoff int64) {
	for q.size > 0 && q.buf[q.head] <= cutoff {
		q.head = (q.head + 1) % len(q.buf)
		q.size--
	}
}

// bucket holds one token's requests of the last minute and the last hour.
type bucket struct {
	minute, hour timeQueue
}

// rateLimiter implements DigitalOcean's per-token sliding windows: each
// request counts for one minute against the burst limit and for one hour
// against the hourly limit. Refused requests do not count.
type rateLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newRateLimiter() *rateLimiter { return &rateLimiter{buckets: map[string]*bucket{}} }

func (l *rateLimiter) reset() {
	l.mu.Lock()
	l.buckets = map[string]*bucket{}
	l.mu.Unlock()
}

// unlimited is what the headers advertise when no limit is configured.
const unlimited = math.MaxInt32

type rateResult struct {
	allowed    bool
	limit      int
	remaining  int
	reset      int64 // Unix seconds when the oldest counted request expires
	retryAfter int   // seconds, for 429s
}

func (l *rateLimiter) allow(token string, now time.Time, perMinute, perHour int) rateResult {
	n := now.UnixNano()
	res := rateResult{allowed: true, limit: unlimited, remaining: unlimited, reset: now.Unix()}
	if perMinute <= 0 && perHour <= 0 {
		return res
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[token]
	if b == nil {
		b = &bucket{}
		l.buckets[token] = b
	}
	b.minute.expire(n - int64(time.Minute))
	b.hour.expire(n - int64(time.Hour))
	retry := func(q *timeQueue, window time.Duration) int {
		wait := time.Duration(q.oldest() + int64(window) - n)
		return max(1, int(math.Ceil(wait.Seconds())))
	}
	switch {
	case perMinute > 0 && b.minute.size >= perMinute:
		res.allowed = false
		res.retryAfter = retry(&b.minute, time.Minute)
	case perHour > 0 && b.hour.size >= perHour:
		res.allowed = false
		res.retryAfter = retry(&b.hour, time.Hour)
	default:
		if perMinute > 0 {
			b.minute.push(n)
		}
		if perHour > 0 {
			b.hour.push(n)
		}
	}
	// The headers describe the hourly window, as DigitalOcean's do; with
	// only a per-minute limit they describe that one.
	q, limit, window := &b.hour, perHour, time.Hour
	if perHour <= 0 {
		q, limit, window = &b.minute, perMinute, time.Minute
	}
	res.limit = limit
	res.remaining = max(0, limit-q.size)
	if q.size > 0 {
		res.reset = time.Unix(0, q.oldest()).Add(window).Unix()
	}
	return res
}
