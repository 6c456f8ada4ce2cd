package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// list pages through GET /v2/droplets/backups/policies, answering pending reads as their
// droplets appear, and caches the result. Page 1 tells the account's size; the other pages are
// fetched (a few at a time) only when that costs fewer requests than asking for the missing
// droplets singly, counting the reads a refresh in progress is likely to bring. It returns the
// droplets it could not answer.
func (r *policyReader) list(ctx context.Context, pending map[int][]chan policyResult, demand int) []int {
	var mu sync.Mutex // guards pending and fetched across page goroutines
	var fetched []int
	r.mu.Lock()
	r.listings++
	listing, started := r.listings, r.c.clock.Now()
	r.mu.Unlock()
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
			r.cache[id] = cachedPolicy{p: p, at: at, expires: at.Add(r.ttl), listing: listing}
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
		r.extend(fetched, listing, started, err == nil)
		return left()
	}
	mu.Lock()
	missing := len(pending)
	mu.Unlock()
	if missing == 0 && demand <= 1 {
		r.extend(fetched, listing, started, false)
		return nil
	}
	if pages-1 > max(missing, demand) {
		r.extend(fetched, listing, started, false)
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
	r.extend(fetched, listing, started, !failed.Load())
	return left()
}

// extend makes a listing's entries live for the time to live from when the listing finished:
// a long listing must not expire while the refresh it serves is still running. complete says
// the listing held every droplet of the account.
func (r *policyReader) extend(ids []int, listing int, started time.Time, complete bool) {
	now := r.c.clock.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if complete {
		r.listedAt = now
		r.live, r.liveFrom, r.liveUntil = listing, started, now.Add(r.ttl)
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
