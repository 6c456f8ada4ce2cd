package digitalocean

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// policyReader answers BackupPolicy calls. Terraform refreshes resources in parallel (10 at a
// time by default), so reads arrive in bursts. A burst is collected for a short window and then
// answered in the cheapest way:
//   - a few reads, or an account with many more droplets than reads: one
//     GET /v2/droplets/{id}/backups/policy each;
//   - otherwise GET /v2/droplets/backups/policies (200 per page) until every droplet is seen.
//
// A complete listing then answers further reads for a few seconds, except for droplets this
// Client has changed since it was fetched.
type policyReader struct {
	c      *Client
	window time.Duration
	ttl    time.Duration

	mu        sync.Mutex
	cache     map[int]cachedPolicy
	notBefore map[int]time.Time // results fetched before this are stale: we changed the droplet
	total     int               // droplets in the account, from the last listing (0 = unknown)
	pending   map[int][]chan policyResult
	ctxs      []context.Context
	armed     bool
	listing   chan struct{} // closed when the listing in progress ends; nil when none runs
	arrivals  []time.Time   // recent calls, to tell a burst of reads from a single read
	// cold are the recent calls no cached listing answered for a droplet this Client had not
	// changed: what a new listing would have answered, and so a sign it is worth its pages.
	// Reads right after a change do not count: a listing answers only those waiting for it.
	cold []time.Time
	// listedAt is when the last listing of every page ended: cold reads before it were answered.
	listedAt time.Time
	// listings counts the listings started; live is the latest complete one, whose entries
	// answer reads until liveUntil (pushed on by each read, up to maxListingAge after liveFrom).
	listings, live      int
	liveFrom, liveUntil time.Time
}

type cachedPolicy struct {
	p       *BackupPolicy
	at      time.Time // when the request that read it started
	expires time.Time
	// listing is the listing that read it (0: a single read). Entries of the latest complete
	// listing live as long as that listing does.
	listing int
}

type policyResult struct {
	p   *BackupPolicy
	err error
}

const (
	policyWindow  = 25 * time.Millisecond
	policyTTL     = 8 * time.Second
	maxListingAge = 5 * time.Minute
	policyPerPage = 200
	demandWindow  = 10 * time.Second
	// quietGap: a read this long after the previous one is not part of a burst (apply waves
	// of short actions read every few seconds).
	quietGap       = demandWindow
	maxSingleReads = 10 // concurrent single GETs
	// listConcurrency is how many list pages are fetched at once after the first.
	listConcurrency = 4
)

func newPolicyReader(c *Client) *policyReader {
	return &policyReader{
		c: c, window: policyWindow, ttl: policyTTL,
		cache: map[int]cachedPolicy{}, notBefore: map[int]time.Time{}, pending: map[int][]chan policyResult{},
	}
}

// invalidate marks what is known of the droplet's policy as stale: this Client is changing it.
func (r *policyReader) invalidate(dropletID int) {
	if r == nil || dropletID < 1 {
		return
	}
	now := r.c.clock.Now()
	r.mu.Lock()
	r.notBefore[dropletID] = now
	delete(r.cache, dropletID)
	r.mu.Unlock()
}

func (r *policyReader) freshLocked(id int, now time.Time) (*BackupPolicy, bool) {
	e, ok := r.cache[id]
	if !ok || !e.at.After(r.notBefore[id]) {
		return nil, false
	}
	if e.listing != 0 && e.listing == r.live {
		// While reads keep coming, the whole listing stays live (a refresh of thousands of
		// resources takes minutes on a busy machine), but not forever.
		if now.After(r.liveUntil) {
			return nil, false
		}
		if until := now.Add(r.ttl); until.After(r.liveUntil) {
			r.liveUntil = until
			if end := r.liveFrom.Add(maxListingAge); r.liveUntil.After(end) {
				r.liveUntil = end
			}
		}
	} else if now.After(e.expires) {
		return nil, false
	}
	return e.p.clone(), true
}

func (r *policyReader) get(ctx context.Context, id int) (*BackupPolicy, error) {
	now := r.c.clock.Now()
	ch := make(chan policyResult, 1)
	r.mu.Lock()
	quiet := len(r.pending) == 0 && r.listing == nil &&
		(len(r.arrivals) == 0 || now.Sub(r.arrivals[len(r.arrivals)-1]) > quietGap)
	r.arrivals = append(r.arrivals, now)
	if len(r.arrivals) > 4096 || len(r.cold) > 4096 {
		r.trimArrivalsLocked(now)
	}
	if p, ok := r.freshLocked(id, now); ok {
		r.mu.Unlock()
		return p, nil
	}
	if changed, ok := r.notBefore[id]; !ok || now.Sub(changed) > r.ttl {
		r.cold = append(r.cold, now)
	}
	if quiet {
		// A read out of the blue (a plan of one resource, or the first of a refresh) goes out
		// at once: waiting to collect company would only delay it. Reads right behind it are
		// collected as usual.
		r.mu.Unlock()
		p, err := r.c.getPolicy(ctx, id)
		r.mu.Lock()
		if err == nil && now.After(r.notBefore[id]) {
			r.cache[id] = cachedPolicy{p: p, at: now, expires: now.Add(r.ttl)}
		}
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return p.clone(), nil
	}
	r.pending[id] = append(r.pending[id], ch)
	r.ctxs = append(r.ctxs, ctx)
	if !r.armed {
		r.armed = true
		go func() {
			<-r.c.clock.After(r.window)
			r.flush()
		}()
	}
	r.mu.Unlock()

	select {
	case res := <-ch:
		return res.p, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading backup policy of droplet %d: %w", id, classify(ctx.Err()))
	}
}

// flush answers the collected reads.
func (r *policyReader) flush() {
	// A listing in progress is about to answer most reads: let it finish first rather than
	// start a second one.
	r.mu.Lock()
	running := r.listing
	r.mu.Unlock()
	if running != nil {
		<-running
	}
	now := r.c.clock.Now()
	r.mu.Lock()
	pending := r.pending
	ctxs := r.ctxs
	r.pending, r.ctxs, r.armed = map[int][]chan policyResult{}, nil, false
	// Reads answered by a listing that finished while they waited.
	for id, chs := range pending {
		if p, ok := r.freshLocked(id, now); ok {
			deliver(chs, policyResult{p: p})
			delete(pending, id)
		}
	}
	r.trimArrivalsLocked(now)
	demand := 0
	for _, t := range r.cold {
		if t.After(r.listedAt) {
			demand++
		}
	}
	total := r.total
	r.mu.Unlock()
	if len(pending) == 0 {
		return
	}

	ctx, cancel := batchContext(r.c.bgCtx, ctxs)
	defer cancel()

	ids := make([]int, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	if r.useList(len(ids), total, demand) {
		done := make(chan struct{})
		r.mu.Lock()
		r.listing = done
		r.mu.Unlock()
		ids = r.list(ctx, pending, demand)
		r.mu.Lock()
		r.listing = nil
		r.mu.Unlock()
		close(done)
	}
	r.single(ctx, ids, pending)
}

func (r *policyReader) trimArrivalsLocked(now time.Time) {
	trim := func(ts []time.Time) []time.Time {
		cut := 0
		for cut < len(ts) && now.Sub(ts[cut]) > demandWindow {
			cut++
		}
		return append(ts[:0], ts[cut:]...)
	}
	r.arrivals, r.cold = trim(r.arrivals), trim(r.cold)
}

// useList decides between one request per droplet and listing every policy of the account:
// listing when its pages cost no more than the single reads (counting, as demand, the recent
// reads a listing would have answered: a refresh in progress brings more of them), or, while
// the account's size is unknown, when page 1 is likely to pay off. Reads of droplets this
// Client has just changed (an apply reading back what its action did) do not make a listing
// worth more than the reads waiting for it.
func (r *policyReader) useList(n, total, demand int) bool {
	if total == 0 {
		// A second read close behind the first means a refresh of several resources is under
		// way; page 1 tells the account's size and, in small accounts, answers everything.
		return n >= listThreshold || demand >= 2
	}
	pages := (total + policyPerPage - 1) / policyPerPage
	return pages <= max(n, demand)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
