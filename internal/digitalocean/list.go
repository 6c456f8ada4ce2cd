package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"sync"

	"github.com/digitalocean/godo"
)

// dropletsPerPage is the largest page DigitalOcean serves; every listing here asks for it, so N
// droplets cost ⌈N/200⌉ requests per list.
const dropletsPerPage = 200

// listSingleReads bounds the single policy reads a listing runs at once.
const listSingleReads = 4

// DropletBackup is a droplet with its backup policy, as a listing yields them.
type DropletBackup struct {
	Droplet godo.Droplet
	Policy  *BackupPolicy
}

// ListDroplets returns the account's droplets, or those tagged tag, in the API's order. With
// limit > 0 it stops paging once it has limit droplets. A tag no droplet carries gives none.
func (c *Client) ListDroplets(ctx context.Context, tag string, limit int) ([]godo.Droplet, error) {
	var out []godo.Droplet
	for d, err := range c.Droplets(ctx, tag) {
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// Droplets yields the account's droplets, or those tagged tag, 200 a page. A page is only
// requested when the consumer wants more than the previous pages held, so a consumer that stops
// early saves the rest. An error is yielded once, last.
func (c *Client) Droplets(ctx context.Context, tag string) iter.Seq2[godo.Droplet, error] {
	return func(yield func(godo.Droplet, error) bool) {
		for page := 1; ; page++ {
			p, err := c.dropletPage(ctx, tag, page)
			if err != nil {
				yield(godo.Droplet{}, err)
				return
			}
			for _, d := range p.droplets {
				if !yield(d, nil) {
					return
				}
			}
			if p.last {
				return
			}
		}
	}
}

// DropletBackups yields the account's droplets, or those tagged tag, each with its backup
// policy, in the droplet list's order. Droplets are read 200 a page and their policies from
// GET /v2/droplets/backups/policies, 200 a page, so listing the whole account costs
// 2 × ⌈N/200⌉ requests; policies of droplets the policy pages would only reach at a greater
// cost (a few tagged droplets in a large account) are read one by one instead. Pages are only
// requested when the consumer wants more, so stopping early saves the rest. A droplet deleted
// while the listing runs is left out. An error is yielded once, last.
func (c *Client) DropletBackups(ctx context.Context, tag string) iter.Seq2[DropletBackup, error] {
	return func(yield func(DropletBackup, error) bool) {
		pager := &policyPager{c: c, known: map[int]*BackupPolicy{}, next: 1}
		for page := 1; ; page++ {
			p, err := c.dropletPage(ctx, tag, page)
			if err != nil {
				yield(DropletBackup{}, err)
				return
			}
			if tag == "" && p.total > 0 {
				// Without a tag the droplet list counts the whole account, as the policy list does.
				pager.total = p.total
			}
			ids := make([]int, len(p.droplets))
			for i, d := range p.droplets {
				ids[i] = d.ID
			}
			policies, err := pager.resolve(ctx, ids)
			if err != nil {
				yield(DropletBackup{}, err)
				return
			}
			for _, d := range p.droplets {
				pol, ok := policies[d.ID]
				if !ok {
					continue // deleted since the droplet page was read
				}
				if !yield(DropletBackup{Droplet: d, Policy: pol}, nil) {
					return
				}
			}
			if p.last {
				return
			}
		}
	}
}

type dropletPage struct {
	droplets []godo.Droplet
	total    int
	last     bool
}

func (c *Client) dropletPage(ctx context.Context, tag string, page int) (dropletPage, error) {
	var root struct {
		Droplets []godo.Droplet `json:"droplets"`
		Links    *godo.Links    `json:"links"`
		Meta     *godo.Meta     `json:"meta"`
	}
	path := fmt.Sprintf("v2/droplets?page=%d&per_page=%d", page, dropletsPerPage)
	what := "listing droplets"
	if tag != "" {
		path += "&tag_name=" + queryEscape(tag)
		what = fmt.Sprintf("listing droplets tagged %q", tag)
	}
	if _, err := c.do(ctx, http.MethodGet, path, nil, &root); err != nil {
		return dropletPage{}, fmt.Errorf("%s (page %d): %w", what, page, err)
	}
	p := dropletPage{droplets: root.Droplets}
	if root.Meta != nil {
		p.total = root.Meta.Total
	}
	p.last = len(root.Droplets) == 0 || root.Links == nil || root.Links.IsLastPage()
	return p, nil
}

// policyPager reads the account's backup policies page by page, only as far as a listing needs.
type policyPager struct {
	c     *Client
	known map[int]*BackupPolicy // read but not yet handed out
	next  int                   // next page to request
	total int                   // droplets in the account (0 = not known yet)
	done  bool                  // every page has been read
}

// resolve returns the policies of the droplets ids, reading policy pages while they are the
// cheaper way to find the missing ones and single policies otherwise. Droplets that no longer
// exist are absent from the result.
func (p *policyPager) resolve(ctx context.Context, ids []int) (map[int]*BackupPolicy, error) {
	out := make(map[int]*BackupPolicy, len(ids))
	var missing []int
	take := func() {
		missing = missing[:0]
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			if pol, ok := p.known[id]; ok {
				out[id] = pol
				delete(p.known, id)
				continue
			}
			missing = append(missing, id)
		}
	}
	take()
	for len(missing) > 0 && !p.done && p.pageCheaper(len(missing)) {
		if err := p.fetch(ctx); err != nil {
			return nil, err
		}
		take()
	}
	singles, err := p.single(ctx, missing)
	if err != nil {
		return nil, err
	}
	for id, pol := range singles {
		out[id] = pol
	}
	return out, nil
}

// pageCheaper reports whether reading the remaining policy pages costs no more than reading
// the missing droplets' policies one by one. With the account's size unknown, one page is read
// unless a single droplet is missing: it answers small accounts at once and tells the size.
func (p *policyPager) pageCheaper(missing int) bool {
	if p.total == 0 {
		return missing > 1
	}
	pages := (p.total + dropletsPerPage - 1) / dropletsPerPage
	return pages-(p.next-1) <= missing
}

func (p *policyPager) fetch(ctx context.Context) error {
	var root struct {
		Policies map[string]*policyRecord `json:"policies"`
		Links    *godo.Links              `json:"links"`
		Meta     *godo.Meta               `json:"meta"`
	}
	path := fmt.Sprintf("v2/droplets/backups/policies?page=%d&per_page=%d", p.next, dropletsPerPage)
	if _, err := p.c.do(ctx, http.MethodGet, path, nil, &root); err != nil {
		return fmt.Errorf("listing backup policies (page %d): %w", p.next, err)
	}
	for k, rec := range root.Policies {
		id, err := strconv.Atoi(k)
		if err != nil || rec == nil {
			continue
		}
		p.known[id] = rec.policy(id)
	}
	if root.Meta != nil && root.Meta.Total > 0 {
		p.total = root.Meta.Total
	}
	p.next++
	p.done = len(root.Policies) == 0 || root.Links == nil || root.Links.IsLastPage()
	return nil
}

// single reads the policies of ids one by one, a few at a time; a droplet that is gone is left
// out.
func (p *policyPager) single(ctx context.Context, ids []int) (map[int]*BackupPolicy, error) {
	out := make(map[int]*BackupPolicy, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, listSingleReads)
	)
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func(id int) {
			defer wg.Done()
			defer func() { <-sem }()
			pol, err := p.c.getPolicy(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				errs = append(errs, err)
			default:
				out[id] = pol
			}
		}(id)
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return out, nil
}
