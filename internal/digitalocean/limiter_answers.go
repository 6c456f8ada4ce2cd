package digitalocean

import (
	"net/http"
	"strconv"
	"time"
)

// What the API's answers teach the limiter: how many requests the account has made (and so how
// many were other clients'), what is left of the hour, and, with a 429, how long to pause.

// done feeds a request's answer back into the limiter (resp is nil when none came).
func (l *limiter) done(t ticket, resp *http.Response) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.answered++
	if resp == nil {
		return
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		l.refusedLocked(t, resp.Header, now)
		return
	}
	if i := l.ownLocked(t.id); i >= 0 {
		l.own[i].accepted = true
	}
	limit, rem, reset, ok := rateHeaders(resp.Header)
	if !ok {
		return
	}
	if t.id >= l.remID {
		// The API counted this Client's requests in the order they were sent (give or take the
		// few that overtake each other): those after this one are not in its count yet.
		l.remID, l.remBase, l.reset = t.id, int64(rem)+t.seq, reset
	}
	l.api = true
	if limit == 0 {
		return
	}
	l.apiLimit = limit
	// What the account counted beyond this Client's requests (all of those started so far, as
	// a lower bound) is other clients'. Only growth of that count is news: it shrinks as old
	// requests leave the hour, and answers overtake each other.
	others := int64(limit-rem) - l.sent
	switch {
	case !l.counted:
		// With many of this Client's requests on their way the bound is below zero; growth
		// from there up to zero is theirs being counted, not other clients'.
		l.counted, l.seenOthers = true, max(others, 0)
		if n := priorInMinute(others, reset, now); n > 0 {
			l.others = append(l.others, burst{at: now, n: n})
		}
	case others > l.seenOthers:
		l.others = append(l.others, burst{at: now, n: int(others - l.seenOthers)})
		l.seenOthers, l.othersActive = others, now
	}
}

// priorInMinute estimates how many of the n requests the account made in the hour before this
// Client's first answer fall in the last minute: all of them if the oldest is recent (a
// Terraform plan that ran just before this apply), else their share of the time since the
// oldest, as if spread evenly.
func priorInMinute(n int64, reset, now time.Time) int {
	if n <= 0 {
		return 0
	}
	age := hourWindow - reset.Sub(now)
	if age <= budgetWindow {
		return int(n)
	}
	return int(min(n, (n*int64(budgetWindow)+int64(age)-1)/int64(age)))
}

// refusedLocked handles a 429: the request did not count; every request waits for the pause
// the server asked for, and then goes out at the budget's pace. A per-minute refusal (the only
// kind with a Retry-After under a minute) also says how many requests the account may make in
// a minute: about as many as the limiter knows of in the last one. Knowing of very few, the
// rest were made by clients it cannot see, and it keeps a quarter of its share rather than
// next to nothing.
func (l *limiter) refusedLocked(t ticket, h http.Header, now time.Time) {
	l.sent--
	if i := l.ownLocked(t.id); i >= 0 {
		l.own = append(l.own[:i], l.own[i+1:]...)
	}
	var until time.Time
	why := ""
	ra, hasRA := retryAfter(h, now)
	if hasRA {
		until, why = now.Add(ra), "DigitalOcean rate limit (429, Retry-After)"
	} else if _, _, reset, ok := rateHeaders(h); ok && reset.After(now) {
		until, why = reset, "DigitalOcean rate limit (429, RateLimit-Reset)"
	} else {
		until, why = now.Add(time.Second), "DigitalOcean rate limit (429)"
	}
	if hasRA && ra <= budgetWindow {
		n := max(l.ownSinceLocked(now.Add(-budgetWindow), true)+l.othersLocked(), l.shareLocked()/4)
		if l.learned == 0 || n < l.learned {
			l.learned = max(1, n)
		}
		l.learnedAt = now
	}
	if until.After(l.pause) {
		l.pause, l.pauseWhy = until, why
	}
	l.paced, l.nextPaced = true, later(l.nextPaced, l.pause)
}

// rateHeaders reads RateLimit-Limit (0 when absent), RateLimit-Remaining and RateLimit-Reset.
func rateHeaders(h http.Header) (limit, remaining int, reset time.Time, ok bool) {
	remaining, err := strconv.Atoi(h.Get("RateLimit-Remaining"))
	reset, ok = rateReset(h)
	if err != nil || !ok || remaining < 0 {
		return 0, 0, time.Time{}, false
	}
	if limit, err = strconv.Atoi(h.Get("RateLimit-Limit")); err != nil || limit < remaining {
		limit = 0
	}
	return limit, remaining, reset, true
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
