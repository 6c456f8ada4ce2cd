package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
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
}

type cachedPolicy struct {
	p       *BackupPolicy
	at      time.Time // when the request that read it started
	expires time.Time
}

type policyResult struct {
	p   *BackupPolicy
	err error
}

const (
	policyWindow  = 25 * time.Millisecond
	policyTTL     = 8 * time.Second
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
	if !ok || now.After(e.expires) || !e.at.After(r.notBefore[id]) {
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

// list pages through GET /v2/droplets/backups/policies, answering pending reads as their
// droplets appear, and caches the result. Page 1 tells the account's size; the other pages are
// fetched (a few at a time) only when that costs fewer requests than asking for the missing
// droplets singly, counting the reads a refresh in progress is likely to bring. It returns the
// droplets it could not answer.
func (r *policyReader) list(ctx context.Context, pending map[int][]chan policyResult, demand int) []int {
	var mu sync.Mutex // guards pending and fetched across page goroutines
	var fetched []int
	fetch := func(page int) (total int, err error) {
		at := r.c.clock.Now()
		var root struct {
			Policies map[string]*policyRecord `json:"policies"`
			Meta     *struct {
				Total int `json:"total"`
			} `json:"meta"`
		}
		_, err = r.c.do(ctx, http.MethodGet, fmt.Sprintf("v2/droplets/backups/policies?page=%d&per_page=%d", page, policyPerPage), nil, &root)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil {
			return 0, err
		}
		mu.Lock()
		defer mu.Unlock()
		for k, rec := range root.Policies {
			id, perr := strconv.Atoi(k)
			if perr != nil || rec == nil {
				continue
			}
			if !at.After(r.notBefore[id]) {
				continue // changed by us while this page was on its way
			}
			p := rec.policy(id)
			r.cache[id] = cachedPolicy{p: p, at: at, expires: at.Add(r.ttl)}
			fetched = append(fetched, id)
			if chs, ok := pending[id]; ok {
				deliver(chs, policyResult{p: p.clone()})
				delete(pending, id)
			}
		}
		if root.Meta != nil && root.Meta.Total > 0 {
			r.total = root.Meta.Total
			total = root.Meta.Total
		}
		return total, nil
	}

	left := func() []int {
		mu.Lock()
		defer mu.Unlock()
		out := make([]int, 0, len(pending))
		for id := range pending {
			out = append(out, id)
		}
		return out
	}
	total, err := fetch(1)
	pages := (total + policyPerPage - 1) / policyPerPage
	if err != nil || pages <= 1 {
		r.extend(fetched, err == nil)
		return left()
	}
	mu.Lock()
	missing := len(pending)
	mu.Unlock()
	if missing == 0 && demand <= 1 {
		r.extend(fetched, false)
		return nil
	}
	if pages-1 > max(missing, demand) {
		r.extend(fetched, false)
		return left()
	}
	var wg sync.WaitGroup
	var failed atomic.Bool
	sem := make(chan struct{}, listConcurrency)
	for page := 2; page <= pages; page++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(page int) {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := fetch(page); err != nil {
				failed.Store(true)
			}
		}(page)
	}
	wg.Wait()
	r.extend(fetched, !failed.Load())
	return left()
}

// extend makes a listing's entries live for the time to live from when the listing finished:
// a long listing must not expire while the refresh it serves is still running. complete says
// the listing held every droplet of the account.
func (r *policyReader) extend(ids []int, complete bool) {
	now := r.c.clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if complete {
		r.listedAt = now
	}
	for _, id := range ids {
		if e, ok := r.cache[id]; ok {
			e.expires = now.Add(r.ttl)
			r.cache[id] = e
		}
	}
}

// single reads each droplet's policy on its own, a few at a time.
func (r *policyReader) single(ctx context.Context, ids []int, pending map[int][]chan policyResult) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxSingleReads)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func(id int) {
			defer wg.Done()
			defer func() { <-sem }()
			at := r.c.clock.Now()
			p, err := r.c.getPolicy(ctx, id)
			r.mu.Lock()
			if err == nil && at.After(r.notBefore[id]) {
				r.cache[id] = cachedPolicy{p: p, at: at, expires: at.Add(r.ttl)}
			}
			chs := pending[id]
			r.mu.Unlock()
			if err != nil {
				deliver(chs, policyResult{err: err})
				return
			}
			deliver(chs, policyResult{p: p})
		}(id)
	}
	wg.Wait()
}

func deliver(chs []chan policyResult, res policyResult) {
	for i, ch := range chs {
		if i > 0 && res.p != nil {
			res.p = res.p.clone()
		}
		ch <- res
	}
}

// batchContext returns a context that lives as long as the longest-lived caller needs it, and
// at most pollTimeout, so a hung request cannot hold a batch forever. Deadlines are wall-clock
// times, so this uses the wall clock.
func batchContext(parent context.Context, ctxs []context.Context) (context.Context, context.CancelFunc) {
	limit := time.Now().Add(pollTimeout)
	var latest time.Time
	for _, c := range ctxs {
		dl, ok := c.Deadline()
		if !ok || dl.After(limit) {
			dl = limit
		}
		if dl.After(latest) {
			latest = dl
		}
	}
	if latest.IsZero() {
		latest = limit
	}
	return context.WithDeadline(parent, latest)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
