package dropletaction

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/digitalocean/godo"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dropletops/terraform-provider-droplet/internal/digitalocean"
)

// actionOutcome is what happened on one droplet: the action (ID 0 when none was started) in its
// last known state, and the error that ended the wait or the start, if any.
type actionOutcome struct {
	dropletID int
	action    godo.Action
	err       error
	// adopted: the action was already in progress when this apply began, so it was waited for
	// instead of starting another.
	adopted bool
}

func (o actionOutcome) completed() bool {
	return o.err == nil && o.action.ID != 0 && o.action.Status == godo.ActionCompleted
}

// actionLedger remembers which actions the droplet_action resources of one API client (one
// Terraform command) have started or adopted.
//
// A re-run after a timeout must adopt the action the failed run left in progress, but must never
// adopt an action that another droplet_action of the same apply has just started (two snapshots
// of one droplet with different names are two actions). Claims tell the two apart without relying
// on clocks: DigitalOcean's timestamps have whole seconds and its clock is not ours.
type actionLedger struct {
	mu      sync.Mutex
	claimed map[int]bool
}

// actionLedgers holds one ledger per client. The provider configures a new client for every
// Terraform command, so an entry lives as long as that command's provider process needs it.
var actionLedgers sync.Map // *digitalocean.Client → *actionLedger

func ledgerFor(c *digitalocean.Client) *actionLedger {
	l, _ := actionLedgers.LoadOrStore(c, &actionLedger{claimed: map[int]bool{}})
	return l.(*actionLedger)
}

// claim records an action as this command's; it reports false if it already was.
func (l *actionLedger) claim(actionID int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.claimed[actionID] {
		return false
	}
	l.claimed[actionID] = true
	return true
}

// adoptable returns the droplet's in-progress action of this type that no resource of this command
// has claimed (one an earlier, failed apply left running), or nil.
func (r *dropletActionResource) adoptable(ctx context.Context, l *actionLedger, dropletID int, actionType string) (*godo.Action, error) {
	a, err := r.client.FindInProgress(ctx, dropletID, actionType)
	if err != nil || a == nil {
		return nil, err
	}
	if !l.claim(a.ID) {
		return nil, nil
	}
	tflog.Info(ctx, "adopting droplet action still in progress from an earlier apply", map[string]any{
		"droplet_id": dropletID, "action_id": a.ID, "type": a.Type,
	})
	return a, nil
}

// startOrAdopt adopts the droplet's in-progress action of this type left by an earlier apply, or
// starts a new one (waiting first if the droplet is busy). It does not wait for the action.
func (r *dropletActionResource) startOrAdopt(ctx context.Context, l *actionLedger, dropletID int, req digitalocean.ActionRequest) actionOutcome {
	out := actionOutcome{dropletID: dropletID}
	a, err := r.adoptable(ctx, l, dropletID, req.Type)
	if err != nil {
		out.err = fmt.Errorf("checking droplet %d for a %s action still in progress: %w", dropletID, req.Type, err)
		return out
	}
	if a == nil {
		if a, err = r.client.Start(ctx, dropletID, req); err != nil {
			out.err = err
			return out
		}
		l.claim(a.ID)
	} else {
		out.adopted = true
	}
	out.action = *a
	return out
}

// waitAll waits for every started action and records the result in outcomes.
func (r *dropletActionResource) waitAll(ctx context.Context, outcomes []actionOutcome) {
	var ids []int
	for _, o := range outcomes {
		if o.action.ID != 0 && o.err == nil {
			ids = append(ids, o.action.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	got, err := r.client.Wait(ctx, ids...)
	mergeActionStates(outcomes, got, err)
}

// mergeActionStates puts the actions' last known state and their errors into the outcomes.
func mergeActionStates(outcomes []actionOutcome, got []godo.Action, err error) {
	byAction := map[int]*actionOutcome{}
	for i := range outcomes {
		if outcomes[i].action.ID != 0 {
			byAction[outcomes[i].action.ID] = &outcomes[i]
		}
	}
	for _, a := range got {
		// A wait that ended before the first poll knows only the ID; keep the start response then.
		if o := byAction[a.ID]; o != nil && a.Status != "" {
			regionSlug, region := o.action.RegionSlug, o.action.Region
			o.action = a
			if o.action.RegionSlug == "" && o.action.Region == nil {
				o.action.RegionSlug, o.action.Region = regionSlug, region
			}
		}
	}
	for _, ae := range actionErrors(err) {
		if o := byAction[ae.ActionID]; o != nil {
			o.err = ae
			if ae.Status != "" {
				o.action.Status = ae.Status
			}
		}
	}
}

// runOnDroplet runs the action on one droplet and waits for it.
func (r *dropletActionResource) runOnDroplet(ctx context.Context, dropletID int, req digitalocean.ActionRequest) actionOutcome {
	outcomes := []actionOutcome{r.startOrAdopt(ctx, ledgerFor(r.client), dropletID, req)}
	r.waitAll(ctx, outcomes)
	return outcomes[0]
}

// maxParallelActionStarts bounds the droplet-by-droplet starts of a by-tag action (the client paces the
// requests themselves; this only bounds the goroutines waiting for busy droplets).
const maxParallelActionStarts = 8

// runOnTag runs the action on every droplet with the tag and waits for all. It returns no outcome
// when no droplet has the tag or nothing could be started (then with the error), and with
// outcomes the error of a by-tag run that left some droplets without an action.
//
// When no tagged droplet is busy, one by-tag request starts every action. Otherwise each droplet
// is handled alone, so a busy droplet's action left by an earlier apply is adopted and one busy
// with something else is waited for, while the others start at once.
func (r *dropletActionResource) runOnTag(ctx context.Context, tag string, req digitalocean.ActionRequest) ([]actionOutcome, error) {
	droplets, err := r.client.DropletsByTag(ctx, tag)
	if err != nil {
		return nil, err
	}
	if len(droplets) == 0 {
		return nil, nil
	}
	sort.Slice(droplets, func(i, j int) bool { return droplets[i].ID < droplets[j].ID })
	l := ledgerFor(r.client)

	if !slices.ContainsFunc(droplets, func(d godo.Droplet) bool { return d.Locked }) {
		got, err := r.client.RunByTag(ctx, tag, req)
		outcomes := tagOutcomes(droplets, got, err)
		for _, o := range outcomes {
			if o.action.ID != 0 {
				l.claim(o.action.ID)
			}
		}
		if err != nil && !slices.ContainsFunc(outcomes, func(o actionOutcome) bool { return o.action.ID != 0 }) {
			return nil, err
		}
		return outcomes, err
	}

	tflog.Debug(ctx, "some tagged droplets are busy; starting droplet by droplet", map[string]any{"tag_name": tag})
	outcomes := make([]actionOutcome, len(droplets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelActionStarts)
	for i, d := range droplets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outcomes[i] = r.startOrAdopt(ctx, l, d.ID, req)
		}()
	}
	wg.Wait()
	r.waitAll(ctx, outcomes)
	return outcomes, nil
}

// tagOutcomes matches a by-tag run's actions and errors to the tagged droplets. A droplet listed
// before the request but without an action was untagged in between, unless the run failed.
func tagOutcomes(droplets []godo.Droplet, got []godo.Action, err error) []actionOutcome {
	var outcomes []actionOutcome
	index := map[int]int{}
	for _, d := range droplets {
		index[d.ID] = len(outcomes)
		outcomes = append(outcomes, actionOutcome{dropletID: d.ID})
	}
	for _, a := range got {
		i, ok := index[a.ResourceID]
		if !ok {
			index[a.ResourceID] = len(outcomes)
			outcomes = append(outcomes, actionOutcome{dropletID: a.ResourceID})
			i = len(outcomes) - 1
		}
		outcomes[i].action = a
	}
	mergeActionStates(outcomes, got, err)
	kept := outcomes[:0]
	for _, o := range outcomes {
		if o.action.ID == 0 && err == nil {
			continue
		}
		if o.action.ID == 0 {
			o.err = errActionNotStarted
		}
		kept = append(kept, o)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].dropletID < kept[j].dropletID })
	return kept
}

// errActionNotStarted marks a droplet on which a failed by-tag run started nothing.
var errActionNotStarted = errors.New("not started")

// actionErrors collects every ActionError in err's tree (errors.As would stop at the first).
func actionErrors(err error) []*digitalocean.ActionError {
	var out []*digitalocean.ActionError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if ae, ok := e.(*digitalocean.ActionError); ok {
			out = append(out, ae)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
