package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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
	arrivals  []time.Time // recent calls, to tell a refresh of many resources from a single read

	// stats for tests and benchmarks
	listRequests, getRequests int
}

type cachedPolicy struct {
	p  *BackupPolicy
	at time.Time
}

type policyResult struct {
	p   *BackupPolicy
	err error
}

const (
	policyWindow   = 25 * time.Millisecond
	policyTTL      = 8 * time.Second
	policyPerPage  = 200
	demandWindow   = 10 * time.Second
	maxSingleReads = 10 // concurrent single GETs
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
	if !ok || now.Sub(e.at) > r.ttl || !e.at.After(r.notBefore[id]) {
		return nil, false
	}
	return e.p.clone(), true
}

func (r *policyReader) get(ctx context.Context, id int) (*BackupPolicy, error) {
	now := r.c.clock.Now()
	ch := make(chan policyResult, 1)
	r.mu.Lock()
	r.arrivals = append(r.arrivals, now)
	if p, ok := r.freshLocked(id, now); ok {
		r.mu.Unlock()
		return p, nil
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
	cut := 0
	for cut < len(r.arrivals) && now.Sub(r.arrivals[cut]) > demandWindow {
		cut++
	}
	r.arrivals = r.arrivals[cut:]
	demand := len(r.arrivals)
	total := r.total
	r.mu.Unlock()
	if len(pending) == 0 {
		return
	}

	ctx, cancel := batchContext(ctxs)
	defer cancel()

	ids := make([]int, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	if r.useList(len(ids), total, demand) {
		ids = r.list(ctx, pending, demand)
	}
	r.single(ctx, ids, pending)
}

// useList decides between one request per droplet and listing every policy of the account.
func (r *policyReader) useList(n, total, demand int) bool {
	if n < listThreshold {
		return false
	}
	if total == 0 {
		// Unknown account size: the first page tells, and list() stops early if it is large.
		return true
	}
	pages := (total + policyPerPage - 1) / policyPerPage
	return pages <= max(n, demand)
}

// list pages through GET /v2/droplets/backups/policies, answering pending reads as their
// droplets appear, and caches the result. It returns the droplets it could not answer.
func (r *policyReader) list(ctx context.Context, pending map[int][]chan policyResult, demand int) []int {
	seen := map[int]*BackupPolicy{}
	for page := 1; ; page++ {
		at := r.c.clock.Now()
		var root struct {
			Policies map[string]*policyRecord `json:"policies"`
			Meta     *struct {
				Total int `json:"total"`
			} `json:"meta"`
		}
		_, err := r.c.do(ctx, http.MethodGet, fmt.Sprintf("v2/droplets/backups/policies?page=%d&per_page=%d", page, policyPerPage), nil, &root)
		r.mu.Lock()
		r.listRequests++
		r.mu.Unlock()
		if err != nil {
			break
		}
		total := 0
		if root.Meta != nil {
			total = root.Meta.Total
		}
		r.mu.Lock()
		for k, rec := range root.Policies {
			id, perr := strconv.Atoi(k)
			if perr != nil || rec == nil {
				continue
			}
			p := rec.policy(id)
			seen[id] = p
			if !at.After(r.notBefore[id]) {
				continue // changed by us while this page was on its way
			}
			r.cache[id] = cachedPolicy{p: p, at: at}
			if chs, ok := pending[id]; ok {
				deliver(chs, policyResult{p: p.clone()})
				delete(pending, id)
			}
		}
		if total > 0 {
			r.total = total
		}
		r.mu.Unlock()
		pages := (total + policyPerPage - 1) / policyPerPage
		if len(root.Policies) == 0 || page >= pages {
			break
		}
		// Keep paging only while that is cheaper than asking for the missing ones singly,
		// counting the reads a refresh in progress is likely to bring.
		if remaining := pages - page; remaining > max(len(pending), demand) {
			break
		}
	}
	left := make([]int, 0, len(pending))
	for id := range pending {
		left = append(left, id)
	}
	return left
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
			r.getRequests++
			if err == nil && at.After(r.notBefore[id]) {
				r.cache[id] = cachedPolicy{p: p, at: at}
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

// batchContext returns a context that lives as long as the longest-lived caller needs it.
func batchContext(ctxs []context.Context) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, c := range ctxs {
		dl, ok := c.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if dl.After(latest) {
			latest = dl
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
