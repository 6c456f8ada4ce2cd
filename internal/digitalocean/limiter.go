package digitalocean

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"time"
)

// DigitalOcean counts requests per token: 250 per minute, which no header reports, and 5,000
// per hour, which every answer describes (RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset).
//
// Each Client has its own limiter, and it goes with the Client. Whatever else uses the token —
// another Terraform process, another provider configuration, a script — shows in those headers:
// the account's count of requests grows by more than this Client sent, and the limiter counts
// the difference as other clients' requests of the current minute. So the per-minute budget
// holds for the account, not for one Client, and two applies at once share it instead of
// pushing the account into 429s together. The hourly count is kept above zero with the same
// headers, and a 429 teaches the limiter the per-minute limit the account really has.

const (
	// defaultBudgetPerMinute is the provider's share of DigitalOcean's 250 requests per minute.
	defaultBudgetPerMinute = 200
	// hourlyPerBudget: DigitalOcean's per-minute limit is a twentieth of the hourly limit it
	// advertises (250 of 5,000), and the default budget 80 % of that. An API advertising a larger
	// hourly limit gets a proportionally larger budget; one advertising a smaller one (an
	// emulator with only a per-minute limit) is held by what it says is left.
	hourlyPerBudget = 25
	budgetWindow    = time.Minute
	// windowSlack keeps a request in the window longer than the API does: a request reaches the
	// API later than it leaves here (latency, a new connection, a busy machine), so two requests
	// sent a minute apart can arrive less than a minute apart.
	windowSlack = 2 * time.Second
	// firstAnswerWait bounds how long requests wait for a Client's first answer (polling every
	// firstAnswerPoll) before going out without it.
	firstAnswerWait = 2 * time.Second
	firstAnswerPoll = 10 * time.Millisecond
	// othersMargin: while other clients use the account, a twentieth of the budget is kept for
	// their requests not yet seen.
	othersMargin = 20
	// learnedHold is how long a limit learnt from a 429 holds before the limiter tries more.
	learnedHold = 5 * time.Minute
	// hourWindow is the window RateLimit-Remaining describes.
	hourWindow = time.Hour
)

// limiter decides when each request of a Client may go out:
//   - at most the per-minute budget in any window, counting other clients' requests the API's
//     counts reveal, and at most the per-minute limit learned from a 429;
//   - never when what the API says is left of the hour is used up, until RateLimit-Reset;
//   - after a pause the server asked for (a 429's Retry-After), the requests that waited go out
//     one by one at the budget's pace, not all at once into the next 429;
//   - at RequestsPerSecond, if set.
type limiter struct {
	clock    clock
	interval time.Duration // requests_per_second pacing; 0 = none
	fixed    int           // an explicit budget per minute; 0 = the default share, < 0 = none

	mu      sync.Mutex
	nextRPS time.Time // earliest start of the next request under requests_per_second

	own    []request // this Client's requests still in the window, oldest first
	others []burst   // other clients' requests in the window, as the API's counts reveal them
	// issued counts this Client's requests started, sent those of them not refused, and
	// answered those answered.
	issued, sent, answered int64
	firstAt                time.Time // when the first request started

	api        bool  // an answer with rate-limit headers was seen
	counted    bool  // one with the account's count (RateLimit-Limit as well) was seen
	apiLimit   int   // RateLimit-Limit
	seenOthers int64 // the most requests not this Client's the account has counted so far
	// othersActive is when other clients' requests were last seen growing (zero: never, or only
	// before this Client's first answer).
	othersActive time.Time
	remID        int64 // which request's answer the remaining count below comes from
	remBase      int64 // RateLimit-Remaining of that answer plus this Client's requests up to it:
	// what is left of the hour is remBase - sent
	reset time.Time

	learned   int       // per-minute limit a 429 revealed; 0 = none
	learnedAt time.Time // when it was learned or last raised
	pause     time.Time // no request before this: the server asked us to wait
	pauseWhy  string
	paced     bool      // releasing the requests that waited out a pause
	waiting   int       // requests asleep in wait
	nextPaced time.Time // earliest start of the next released request

	peak int // the most requests this Client started within one window
}

// request is one of this Client's requests in the window.
type request struct {
	at       time.Time
	id       int64
	accepted bool // answered, and not with a 429
}

// burst is n requests of other clients first seen at a time.
type burst struct {
	at time.Time
	n  int
}

// ticket is a request the limiter let through, handed back with its answer.
type ticket struct {
	id  int64     // which of this Client's requests it is, in the order they started
	seq int64     // this Client's requests started up to this one and not refused
	at  time.Time // when it started
}

// newLimiter builds a limiter. budget is requests per minute: 0 = the default share, < 0 = no
// per-minute budget (the server's word is still honoured).
func newLimiter(rps float64, budget int, c clock) *limiter {
	l := &limiter{clock: c, fixed: budget}
	if rps > 0 {
		l.interval = time.Duration(float64(time.Second) / rps)
	}
	return l
}

// wait blocks until a request may be sent and records it as sent. A wait that would end after
// ctx's deadline fails at once with a budgetError rather than sleeping into the deadline.
func (l *limiter) wait(ctx context.Context) (ticket, error) {
	for {
		if err := ctx.Err(); err != nil {
			return ticket{}, err
		}
		l.mu.Lock()
		now := l.clock.Now()
		d, reason := l.delayLocked(now)
		if d <= 0 {
			t := l.admitLocked(now)
			l.mu.Unlock()
			return t, nil
		}
		if !fitsDeadline(ctx, l.clock, d) {
			l.mu.Unlock()
			return ticket{}, &budgetError{reason: reason, wait: d.Round(time.Millisecond).String()}
		}
		l.waiting++
		l.mu.Unlock()
		err := sleep(ctx, l.clock, d)
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
		if err != nil {
			return ticket{}, err
		}
	}
}

// delayLocked says how long a request must still wait at now, and why (0: it may go).
func (l *limiter) delayLocked(now time.Time) (time.Duration, string) {
	l.trimLocked(now)
	var d time.Duration
	reason := ""
	hold := func(until time.Time, why string) {
		if w := until.Sub(now); w > d {
			d, reason = w, why
		}
	}
	if l.pause.After(now) {
		hold(l.pause, l.pauseWhy)
	}
	if l.answered == 0 && l.issued > 0 && now.Sub(l.firstAt) < firstAnswerWait {
		// Until the first answer says how much of the account's limit is left (a plan's
		// provider may have just used it up), one request goes out, not a whole burst.
		hold(now.Add(firstAnswerPoll), "waiting for the first answer to learn what is left of the rate limit")
	}
	if b := l.budgetLocked(); b > 0 {
		if !l.othersActive.IsZero() && now.Sub(l.othersActive) < budgetWindow {
			// Other clients' latest requests show only in this Client's later answers: while
			// they are active, keep a margin for those not seen yet, as many as this Client has
			// on their way (the other's are likely as many), and at least a twentieth.
			b = max(1, b-max(b/othersMargin, int(l.sent-l.answered)))
		}
		if used := l.usedLocked(); used >= b {
			hold(l.freedLocked(used-b+1), l.budgetReason(b))
		}
		if l.paced {
			hold(l.nextPaced, "releasing requests at the budget's pace after a rate-limit pause")
		}
	}
	if l.api && l.remBase-l.sent <= 0 && (l.reset.After(now) || l.sent > l.answered) {
		// Nothing is left of the hour. At RateLimit-Reset the oldest counted request expires;
		// then one request at a time learns how much is left.
		if l.reset.After(now) {
			hold(l.reset, "DigitalOcean request limit reached (RateLimit-Remaining 0)")
		} else {
			hold(now.Add(50*time.Millisecond), "waiting for the answer that says what is left of the request limit")
		}
	}
	if l.interval > 0 {
		hold(l.nextRPS, "requests_per_second pacing")
	}
	return d, reason
}

func (l *limiter) budgetReason(b int) string {
	why := "request budget of " + strconv.Itoa(b) + " requests per minute used up"
	if n := l.othersLocked(); n > 0 {
		why += " (" + strconv.Itoa(n) + " of them by other clients of the account)"
	}
	return why
}

func (l *limiter) admitLocked(now time.Time) ticket {
	if l.interval > 0 {
		l.nextRPS = now.Add(l.interval)
	}
	if b := l.budgetLocked(); l.paced && b > 0 {
		pace := budgetWindow / time.Duration(b)
		if l.waiting == 0 && now.Sub(l.nextPaced) >= pace {
			// Nobody is waiting and a slot at the pace went unused: the requests that waited
			// out the pause are all out.
			l.paced = false
		} else {
			l.nextPaced = later(l.nextPaced, now).Add(pace)
		}
	}
	if l.issued == 0 {
		l.firstAt = now
	}
	l.issued++
	l.sent++
	l.own = append(l.own, request{at: now, id: l.issued})
	l.peak = max(l.peak, l.ownSinceLocked(now.Add(-budgetWindow), false))
	return ticket{id: l.issued, seq: l.sent, at: now}
}

// budgetLocked is the per-minute budget in force (0 = none): the configured or default share,
// or the limit a 429 revealed if that is lower.
func (l *limiter) budgetLocked() int {
	b := l.shareLocked()
	if l.learned > 0 && (b == 0 || l.learned < b) {
		b = l.learned
	}
	return b
}

// shareLocked is the configured budget, or the default share of what the API advertises.
func (l *limiter) shareLocked() int {
	switch {
	case l.fixed > 0:
		return l.fixed
	case l.fixed == 0:
		return max(defaultBudgetPerMinute, l.apiLimit/hourlyPerBudget)
	}
	return 0
}

func (l *limiter) othersLocked() int {
	n := 0
	for _, b := range l.others {
		n += b.n
	}
	return n
}

// usedLocked is the account's requests in the window: this Client's and the others'.
func (l *limiter) usedLocked() int { return len(l.own) + l.othersLocked() }

// ownSinceLocked counts this Client's requests started after t (only accepted ones, if set).
func (l *limiter) ownSinceLocked(t time.Time, accepted bool) int {
	n := 0
	for i := len(l.own) - 1; i >= 0 && l.own[i].at.After(t); i-- {
		if !accepted || l.own[i].accepted {
			n++
		}
	}
	return n
}

// ownLocked finds this Client's request id in the window (-1 when it has left it).
func (l *limiter) ownLocked(id int64) int {
	i := sort.Search(len(l.own), func(i int) bool { return l.own[i].id >= id })
	if i < len(l.own) && l.own[i].id == id {
		return i
	}
	return -1
}

// freedLocked is when k of the requests in the window, oldest first, will have left it.
func (l *limiter) freedLocked(k int) time.Time {
	i, j := 0, 0
	var at time.Time
	for k > 0 && (i < len(l.own) || j < len(l.others)) {
		if j >= len(l.others) || (i < len(l.own) && l.own[i].at.Before(l.others[j].at)) {
			at = l.own[i].at
			i++
			k--
			continue
		}
		at = l.others[j].at
		k -= l.others[j].n
		j++
	}
	return at.Add(budgetWindow + windowSlack)
}

func (l *limiter) trimLocked(now time.Time) {
	cut := now.Add(-budgetWindow - windowSlack)
	i := 0
	for i < len(l.own) && !l.own[i].at.After(cut) {
		i++
	}
	l.own = append(l.own[:0], l.own[i:]...)
	j := 0
	for j < len(l.others) && !l.others[j].at.After(cut) {
		j++
	}
	l.others = append(l.others[:0], l.others[j:]...)
	if l.learned > 0 && now.Sub(l.learnedAt) >= learnedHold {
		// Minutes without a 429: the limit may have been learnt while another client's burst
		// was not yet visible, so probe upwards again, slowly (each probe may cost one 429).
		l.learned += max(1, l.learned/20)
		l.learnedAt = now
		if l.learned >= max(l.shareLocked(), defaultBudgetPerMinute) {
			l.learned = 0
		}
	}
}

// saturated reports whether requests are waiting for the budget, or nearly all of it is used:
// then a request saved is an action started sooner.
func (l *limiter) saturated() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.waiting > 0 {
		return true
	}
	l.trimLocked(l.clock.Now())
	b := l.budgetLocked()
	return b > 0 && l.usedLocked()*10 >= b*9
}

// peakPerMinute reports the most requests this limiter let through within one minute.
func (l *limiter) peakPerMinute() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
