package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/digitalocean/godo"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func TestListDropletsPagination(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Droplets = 45 })
	var all []godo.Droplet
	opt := &godo.ListOptions{}
	for {
		ds, resp, err := e.client.Droplets.List(e.ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ds...)
		if resp.Meta.Total != 45 {
			t.Fatalf("meta.total = %d", resp.Meta.Total)
		}
		if resp.Links == nil || resp.Links.IsLastPage() {
			break
		}
		cur, err := resp.Links.CurrentPage()
		if err != nil {
			t.Fatal(err)
		}
		opt.Page = cur + 1
	}
	if len(all) != 45 {
		t.Fatalf("collected %d droplets over the pages", len(all))
	}
	for i, d := range all {
		if d.Name != fmt.Sprintf("droplet-%d", i+1) || !slices.Contains(d.Tags, "emulator") || d.Region.Slug != "nyc3" ||
			d.SizeSlug != "s-1vcpu-1gb" || d.Image.Slug != "ubuntu-24-04-x64" {
			t.Fatalf("droplet %d = %s %v %s %s", i, d.Name, d.Tags, d.SizeSlug, d.Image.Slug)
		}
	}
	// Links on a middle page, and per_page bounds.
	_, resp, err := e.client.Droplets.List(e.ctx, &godo.ListOptions{Page: 2, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	p := resp.Links.Pages
	if p.First == "" || p.Prev == "" || p.Next == "" || p.Last == "" {
		t.Errorf("page 2 links = %+v", p)
	}
	ds, resp, _ := e.client.Droplets.List(e.ctx, &godo.ListOptions{PerPage: 200})
	if len(ds) != 45 || resp.Links.Pages != nil {
		t.Errorf("per_page 200: %d droplets, links %+v", len(ds), resp.Links)
	}
	// Tag filter pages too.
	ds, resp, _ = e.client.Droplets.ListByTag(e.ctx, "emulator", &godo.ListOptions{Page: 3, PerPage: 20})
	if len(ds) != 5 || resp.Links.Pages.Next != "" || resp.Links.Pages.Prev == "" {
		t.Errorf("tag page 3: %d droplets, links %+v", len(ds), resp.Links.Pages)
	}
}
