package emulator

import (
	"net/http"
	"net/url"
	"strconv"
)

// Pagination follows the API: page and per_page in the query, links.pages
// with absolute URLs, and meta.total.

type pageLinks struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

type links struct {
	Pages   *pageLinks   `json:"pages,omitempty"`
	Actions []actionLink `json:"actions,omitempty"`
}

type actionLink struct {
	ID   int    `json:"id"`
	Rel  string `json:"rel"`
	HREF string `json:"href"`
}

type meta struct {
	Total int `json:"total"`
}

const (
	defaultPerPage = 20
	maxPerPage     = 200
)

// page returns the [start, end) slice bounds for the request's page and the
// links for the response. Values out of range are clamped rather than
// refused; the real API's answer to e.g. per_page=0 is undocumented.
func page(r *http.Request, total int) (start, end int, l links) {
	q := r.URL.Query()
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = defaultPerPage
	}
	if perPage > maxPerPage {
		perPage = maxPerPage
	}
	pg, err := strconv.Atoi(q.Get("page"))
	if err != nil || pg < 1 {
		pg = 1
	}
	last := (total + perPage - 1) / perPage
	if last < 1 {
		last = 1
	}
	start = min((pg-1)*perPage, total)
	end = min(start+perPage, total)

	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && k != "per_page" {
				v[k] = vs
			}
		}
		v.Set("page", strconv.Itoa(n))
		v.Set("per_page", strconv.Itoa(perPage))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return (&url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: v.Encode()}).String()
	}
	var p pageLinks
	if pg > 1 {
		p.First = link(1)
		p.Prev = link(min(pg-1, last))
	}
	if pg < last {
		p.Next = link(pg + 1)
		p.Last = link(last)
	}
	if p != (pageLinks{}) {
		l.Pages = &p
	}
	return start, end, l
}
