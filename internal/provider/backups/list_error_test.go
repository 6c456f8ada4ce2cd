package backups

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func TestListErrorResult(t *testing.T) {
	forbidden := fmt.Errorf("listing droplets tagged %q (page 1): %w", "web", digitalocean.ErrForbidden)
	res := listErrorResult("web", 3, forbidden)
	if len(res.Diagnostics) != 1 || !res.Diagnostics.HasError() {
		t.Fatalf("diagnostics = %v, want one error", res.Diagnostics)
	}
	d := res.Diagnostics[0]
	if d.Summary() != `Cannot list the droplets tagged "web" and their backup policies` {
		t.Errorf("summary = %q", d.Summary())
	}
	for _, want := range []string{`listing droplets tagged "web" (page 1)`, "`tag:read` scope", "The 3 results before the error"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}

	res = listErrorResult("", 0, fmt.Errorf("listing backup policies (page 2): %w", digitalocean.ErrServer))
	d = res.Diagnostics[0]
	if d.Summary() != "Cannot list the account's droplets and their backup policies" {
		t.Errorf("summary = %q", d.Summary())
	}
	if strings.Contains(d.Detail(), "tag:read") || strings.Contains(d.Detail(), "results before") {
		t.Errorf("detail says more than happened:\n%s", d.Detail())
	}
}
