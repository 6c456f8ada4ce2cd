package dropletaction

import (
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

func TestAddTagOutcomeError(t *testing.T) {
	results := []digitalocean.Result{
		{DropletID: 1, Action: godo.Action{ID: 11, Type: "snapshot", Status: "completed"}},
		{DropletID: 2, Action: godo.Action{ID: 12, Type: "snapshot", Status: "in-progress"},
			Err: &digitalocean.ActionError{ActionID: 12, Status: "in-progress", Err: digitalocean.ErrTimeout}},
		{DropletID: 3, Err: digitalocean.ErrPendingEvent},
	}
	var diags diag.Diagnostics
	addTagOutcomeError(&diags, "snapshot", "web", results, 90*time.Second)
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1", len(diags))
	}
	d := diags[0]
	if want := `Droplet action snapshot failed on 2 of 3 droplets tagged "web"`; d.Summary() != want {
		t.Errorf("summary %q, want %q", d.Summary(), want)
	}
	for _, want := range []string{
		"droplet 1: action 11 (snapshot) completed",
		"droplet 2: action 12 (snapshot) in-progress, still running when timeouts.create (1m30s) ran out",
		"droplet 3: no action started",
		"DigitalOcean answered: " + digitalocean.ErrPendingEvent.Error(),
		"adopts the action still in progress",
	} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
}

// setResult orders by droplet, takes the lowest action ID as id, the first start and last end.
