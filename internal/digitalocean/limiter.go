package digitalocean

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DigitalOcean counts requests per token: 250 per minute and 5,000 per hour. Terraform may
// configure the provider several times in one process, so pacing lives in a process-wide
// registry keyed by endpoint and a hash of the token: every Client for the same account shares
// one limiter, and the process never provokes a 429 by itself.

const (
	defaultBudgetPerMinute = 200
	budgetWindow           = time.Minute
)

var (
	limitersMu sync.Mutex
	limiters   = map[string]*limiter{}
)

// limiterKey identifies an account on an endpoint without keeping the token itself.
func limiterKey(endpoint, token string) string {
	sum := sha256.Sum256([]byte(endpoint + "\x00" + token))
	return hex.EncodeToString(sum[:])
}

// sharedLimiter returns the process-wide limiter for key, creating it with the given settings.
// When several configurations disagree, the strictest setting wins.
func sharedLimiter(key string, rps float64, budget int, c clock) *limiter {
	limitersMu.Lock()
	defer limitersMu.Unlock()
	l, ok := limiters[key]
	if !ok {
		l = newLimiter(rps, budget, c)
		limiters[key] = l
		return l
	}
	l.tighten(rps, budget)
	return l
}

// limiter combines three brakes, each applied before every HTTP attempt:
//   - pacing at RequestsPerSecond (if set),
//   - a sliding window of at most `budget` requests per minute,
//   - the server's word: a 429's Retry-After, or RateLimit-Remaining reaching 0 until RateLimit-Reset.
type limiter struct {
	clock clock

	mu       sync.Mutex
	interval time.Duration // 0 = no pacing
	nextFree time.Time     // earliest start of the next paced request
	budget   int           // <= 0 = no budget
	sent     []time.Time   // start times within the last window, oldest first
	pause    time.Time     // no request before this (server asked us to wait)
	pauseWhy string

	// Observed for tests and benchmarks: the most requests ever started in one window.
	peak int
}

func newLimiter(rps float64, budget int, c clock) *limiter {
	l := &limiter{clock: c, budget: budget}
	if rps > 0 {
		l.interval = time.Duration(float64(time.Second) / rps)
	}
	return l
}

func (l *limiter) tighten(rps float64, budget int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rps > 0 {
		iv := time.Duration(float64(time.Second) / rps)
		if iv > l.interval {
			l.interval = iv
		}
	}
	if budget > 0 && (l.budget <= 0 || budget < l.budget) {
		l.budget = budget
	}
}

// wait blocks until a request may be sent and records it as sent. A wait that would end after
// ctx's deadline fails at once with a budgetError rather than sleeping into the deadline.
func (l *limiter) wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := l.clock.Now()
		var d time.Duration
		reason := ""
		if l.pause.After(now) {
			d, reason = l.pause.Sub(now), l.pauseWhy
		}
		if l.budget > 0 {
			l.trim(now)
			if len(l.sent) >= l.budget {
				if bd := l.sent[0].Add(budgetWindow).Sub(now); bd > d {
					d = bd
					reason = "request budget of " + strconv.Itoa(l.budget) + " requests per minute used up"
				}
			}
		}
		if d <= 0 && l.interval > 0 && l.nextFree.After(now) {
			d = l.nextFree.Sub(now)
			reason = "requests_per_second pacing"
		}
		if d <= 0 {
			if l.interval > 0 {
				l.nextFree = now.Add(l.interval)
			}
			if l.budget > 0 {
				l.sent = append(l.sent, now)
				if len(l.sent) > l.peak {
					l.peak = len(l.sent)
				}
			}
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		if !fitsDeadline(ctx, l.clock, d) {
			return &budgetError{reason: reason, wait: d.Round(time.Millisecond).String()}
		}
		if err := sleep(ctx, l.clock, d); err != nil {
			return err
		}
	}
}

func (l *limiter) trim(now time.Time) {
	cut := 0
	for cut < len(l.sent) && !l.sent[cut].After(now.Add(-budgetWindow)) {
		cut++
	}
	if cut > 0 {
		l.sent = append(l.sent[:0], l.sent[cut:]...)
	}
}

// observe feeds the server's rate-limit headers back into the limiter.
func (l *limiter) observe(resp *http.Response) {
	if resp == nil {
		return
	}
	now := l.clock.Now()
	var until time.Time
	why := ""
	if resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := retryAfter(resp.Header, now); ok {
			until, why = now.Add(d), "DigitalOcean rate limit (429, Retry-After)"
		} else if reset, ok := rateReset(resp.Header); ok && reset.After(now) {
			until, why = reset, "DigitalOcean rate limit (429, RateLimit-Reset)"
		} else {
			until, why = now.Add(time.Second), "DigitalOcean rate limit (429)"
		}
	} else if rem := resp.Header.Get("RateLimit-Remaining"); rem == "0" {
		if reset, ok := rateReset(resp.Header); ok && reset.After(now) {
			until, why = reset, "DigitalOcean hourly request limit reached (RateLimit-Remaining 0)"
		}
	}
	if until.IsZero() {
		return
	}
	l.mu.Lock()
	if until.After(l.pause) {
		l.pause, l.pauseWhy = until, why
	}
	l.mu.Unlock()
}

// peakPerMinute reports the most requests this limiter let through within one minute.
func (l *limiter) peakPerMinute() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func rateReset(h http.Header) (time.Time, bool) {
	v := h.Get("RateLimit-Reset")
	if v == "" {
		return time.Time{}, false
	}
	s, err := strconv.ParseInt(v, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}, false
	}
	return time.Unix(s, 0), true
}
