package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHarnessSmoke runs tiny scenarios end to end with the real terraform binary: it proves the
// harness builds, starts the emulator program, drives terraform (and the official provider when
// BENCH_PEER names it), runs two applies at once, and writes a well-formed report and chart. It
// asserts what was done, never how fast.
func TestHarnessSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (and TF_ACC_TERRAFORM_PATH, or have terraform on PATH)")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform binary")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	root := moduleRoot(t)
	for out, pkg := range map[string]string{"terraform-provider-droplet": ".", "droplet-emulator": "./cmd/droplet-emulator"} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, out), pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	peer := os.Getenv("BENCH_PEER")
	if peer != "" && !filepath.IsAbs(peer) {
		peer = filepath.Join(root, peer)
	}

	scenarios := []Scenario{
		{ID: "apply", Kind: KindApply, Resource: ResourceBackups, Resources: 2, AccountDroplets: 2,
			Parallelism: 10, ActionType: "enable_backups", Peer: true, PeerLane: "peer"},
		{ID: "plan", Kind: KindPlan, Resource: ResourceBackups, Resources: 2, AccountDroplets: 4,
			Parallelism: 10, MaxRequests: 10},
		{ID: "destroy", Kind: KindDestroy, Resource: ResourceBackups, Resources: 3, AccountDroplets: 3,
			Parallelism: 10, ActionType: "disable_backups"},
		{ID: "two", Kind: KindApply, Resource: ResourceBackups, Resources: 2, AccountDroplets: 4, Applies: 2,
			Parallelism: 10, ActionType: "enable_backups", Lane: "two"},
	}
	var progress bytes.Buffer
	rep, err := Execute(ctx, Settings{
		Terraform: terraform,
		Provider:  filepath.Join(bin, "terraform-provider-droplet"),
		Emulator:  filepath.Join(bin, "droplet-emulator"),
		Peer:      peer,
		WorkDir:   filepath.Join(dir, "work"),
		// Actions that finish at once keep the smoke run short.
		Emulated:       EmulatorSettings{RateLimitPerMinute: 250, RateLimitPerHour: 5000},
		CommandTimeout: 2 * time.Minute,
		Progress:       &progress,
	}, scenarios)
	if err != nil {
		t.Fatalf("Execute: %v\n%s", err, progress.String())
	}
	path := filepath.Join(dir, "results.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("results.json is not a Report: %v\n%s", err, raw)
	}
	if len(got.Scenarios) != len(scenarios) {
		t.Fatalf("got %d scenarios, want %d", len(got.Scenarios), len(scenarios))
	}
	for _, s := range got.Scenarios {
		want := []string{RunProvider}
		if s.RunsActions() {
			want = append(want, RunNoop)
		}
		if s.Peer && peer != "" {
			want = append(want, RunPeer)
		}
		if len(s.Runs) != len(want) {
			t.Errorf("%s: runs %v, want %v", s.ID, sortedKeys(s.Runs), want)
		}
		for _, v := range want {
			run := s.Runs[v]
			if run == nil {
				t.Fatalf("%s: no %s run", s.ID, v)
			}
			if !run.OK() {
				t.Errorf("%s/%s failed: %s\n%s", s.ID, v, run.Error, run.Output)
			}
			if run.TotalRequests == 0 {
				t.Errorf("%s/%s: the emulator counted no requests", s.ID, v)
			}
			if _, err := os.Stat(run.Log); err != nil {
				t.Errorf("%s/%s: log: %v", s.ID, v, err)
			}
		}
		if len(s.Targets) == 0 || s.Floor == 0 {
			t.Errorf("%s: %d targets, floor %d", s.ID, len(s.Targets), s.Floor)
		}
	}
	apply := got.Scenarios[0]
	if n := apply.Runs[RunProvider].ActionsStarted["enable_backups"]; n != 2 {
		t.Errorf("apply started %d enable_backups actions, want 2", n)
	}
	if run := apply.Runs[RunPeer]; run != nil && run.ActionsStarted["enable_backups"] != 2 {
		t.Errorf("the official provider started %v, want 2 enable_backups (its imports not counted)", run.ActionsStarted)
	}
	// The plan scenario's set-up (an apply) must not be counted.
	if n := got.Scenarios[1].Runs[RunProvider].ActionsStarted["enable_backups"]; n != 0 {
		t.Errorf("plan counted %d enable_backups actions from its set-up", n)
	}
	if got.Scenarios[1].Runs[RunProvider].PlanChanges {
		t.Errorf("the plan after the set-up apply is not empty")
	}
	if n := got.Scenarios[2].Runs[RunProvider].ActionsStarted["disable_backups"]; n != 3 {
		t.Errorf("destroy started %d disable_backups actions, want 3 (its set-up none)", n)
	}
	two := got.Scenarios[3].Runs[RunProvider]
	if len(two.Walls) != 2 || two.ActionsStarted["enable_backups"] != 4 {
		t.Errorf("two applies at once: walls %v, actions %v; want 2 walls and 4 enable_backups", two.Walls, two.ActionsStarted)
	}
	if two.MemoryMB <= 0 && runtime.GOOS == "linux" {
		t.Errorf("no memory figure for the provider")
	}

	var tables strings.Builder
	if err := got.WriteTables(&tables); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"apply 2 droplet_backups", "plan 2 droplet_backups among 4 droplets", "2 applies at once", "requests by route"} {
		if !strings.Contains(tables.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, tables.String())
		}
	}
	if peer == "" && !strings.Contains(tables.String(), "No peer") {
		t.Errorf("without a peer the tables must say so:\n%s", tables.String())
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func TestSelect(t *testing.T) {
	all := Standard(false)
	got, err := Select(all, "plan-one, apply-backups")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "plan-one" || got[1].ID != "apply-backups" {
		t.Errorf("Select kept %v", got)
	}
	if got, _ := Select(all, ""); len(got) != len(all) {
		t.Errorf("empty selection kept %d of %d", len(got), len(all))
	}
	if _, err := Select(all, "nope"); err == nil || !strings.Contains(err.Error(), "apply-parallel") {
		t.Errorf("unknown ID: err = %v, want one listing the known IDs", err)
	}
}
