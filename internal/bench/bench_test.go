package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHarnessSmoke runs two tiny scenarios end to end with the real terraform binary: it proves
// the harness builds, starts the emulator program, drives terraform for both strategies and writes
// a well-formed report. It asserts what was done, never how fast.
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

	scenarios := []Scenario{
		{ID: "apply", Kind: KindApply, Resource: ResourceBackups, Resources: 2, AccountDroplets: 2,
			FreshDroplets: true, Parallelism: 10, ActionType: "enable_backups"},
		{ID: "plan", Kind: KindPlan, Resource: ResourceBackups, Resources: 2, AccountDroplets: 4,
			Parallelism: 10, MaxRequests: 10},
	}
	var progress bytes.Buffer
	rep, err := Execute(ctx, Settings{
		Terraform: terraform,
		Provider:  filepath.Join(bin, "terraform-provider-droplet"),
		Emulator:  filepath.Join(bin, "droplet-emulator"),
		WorkDir:   filepath.Join(dir, "work"),
		// Actions that finish at once: the baseline then never waits its 10 s for a first poll.
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
		want := []string{StrategyDefault, StrategyBaseline}
		if s.RunsActions() {
			want = append(want, VariantNoop)
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
		if len(s.Targets) == 0 {
			t.Errorf("%s: no targets evaluated", s.ID)
		}
	}
	apply := got.Scenarios[0]
	if n := apply.Runs[StrategyDefault].ActionsStarted["enable_backups"]; n != 2 {
		t.Errorf("apply started %d enable_backups actions, want 2", n)
	}
	// The plan scenario's set-up (an apply) must not be counted.
	if n := got.Scenarios[1].Runs[StrategyBaseline].ActionsStarted["enable_backups"]; n != 0 {
		t.Errorf("plan counted %d enable_backups actions from its set-up", n)
	}
	if got.Scenarios[1].Runs[StrategyDefault].PlanChanges {
		t.Errorf("the plan after the set-up apply is not empty")
	}

	var tables strings.Builder
	if err := got.WriteTables(&tables); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"apply 2 droplet_backups", "plan 2 droplet_backups among 4 droplets", "requests by route"} {
		if !strings.Contains(tables.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, tables.String())
		}
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

func TestStandardScenarios(t *testing.T) {
	for _, s := range WithTitles(Standard(false)) {
		if s.Title == "" || s.Parallelism < 1 || s.Resources < 1 || s.AccountDroplets < s.Resources {
			t.Errorf("bad scenario %+v", s)
		}
	}
	byID := map[string]Scenario{}
	for _, s := range Standard(false) {
		byID[s.ID] = s
	}
	if s := byID["apply-parallel"]; s.Waves() != 2 || s.Parallelism != 50 {
		t.Errorf("apply-parallel: %d waves at -parallelism=%d, want 2 at 50", s.Waves(), s.Parallelism)
	}
	if s := byID["apply-backups"]; s.Waves() != 5 {
		t.Errorf("apply-backups: %d waves, want 5", s.Waves())
	}
	for _, s := range Standard(true) {
		if s.Resources < 1 || s.AccountDroplets < s.Resources {
			t.Errorf("short scenario %+v", s)
		}
	}
}

func TestEvaluate(t *testing.T) {
	emu := DefaultEmulatorSettings()
	res := ScenarioResult{
		Scenario: Scenario{ID: "a", Kind: KindApply, Resources: 50, Parallelism: 10, ActionType: "reboot"},
		Runs: map[string]*Run{
			VariantNoop:      {WallSeconds: 5},
			StrategyDefault:  {WallSeconds: 21, TotalRequests: 120, PeakPerMinute: 120},
			StrategyBaseline: {WallSeconds: 60, TotalRequests: 500, PeakPerMinute: 480, RateLimited: 3},
		},
	}
	evaluate(&res, emu)
	if res.IdealSeconds != 20 || res.Waves != 5 {
		t.Fatalf("ideal %.1f s over %d waves, want 20 s over 5", res.IdealSeconds, res.Waves)
	}
	pass := map[string]bool{}
	for _, tg := range res.Targets {
		pass[tg.Name] = tg.Pass
	}
	want := map[string]bool{
		"wall ≤ 1.2 × ideal":        true, // 21/20
		"wall ≤ 0.4 × baseline":     true, // 21/60
		"requests ≤ 0.3 × baseline": true, // 120/500
		"peak ≤ 200 per 60 s":       true, // 120
		"no 429s":                   true, // the baseline's 429s do not count against the default
		"not slower than baseline":  true, // 21 < 60
	}
	for name, p := range want {
		if got, ok := pass[name]; !ok || got != p {
			t.Errorf("target %q: pass = %v (present %v), want %v", name, got, ok, p)
		}
	}

	if len(res.Notes) != 0 {
		t.Errorf("unexpected notes %q", res.Notes)
	}

	// A baseline quicker than 10 s per wave cannot be the official provider's; POSTs above 0.3 ×
	// the baseline make the requests target unreachable. Both are noted.
	res.Runs[StrategyBaseline] = &Run{WallSeconds: 18, TotalRequests: 150}
	res.Runs[StrategyDefault] = &Run{WallSeconds: 18, TotalRequests: 138, Requests: map[string]int{"POST /v2/droplets/{id}/actions": 50}}
	res.Targets, res.Notes = nil, nil
	evaluate(&res, emu)
	if len(res.Notes) != 2 || !strings.Contains(res.Notes[0], "sooner than the official") ||
		!strings.Contains(res.Notes[1], "50 action POSTs alone are ×0.33") {
		t.Errorf("notes = %q", res.Notes)
	}

	res.Runs[StrategyBaseline] = &Run{WallSeconds: 60, TotalRequests: 500, PeakPerMinute: 480, RateLimited: 3}
	res.Runs[StrategyDefault] = &Run{WallSeconds: 30, TotalRequests: 200, PeakPerMinute: 201}
	res.Targets, res.Notes = nil, nil
	evaluate(&res, emu)
	for _, tg := range res.Targets {
		if tg.Name == "no 429s" || tg.Name == "not slower than baseline" {
			continue
		}
		if tg.Pass {
			t.Errorf("target %q passed with %s", tg.Name, tg.Detail)
		}
	}

	// Sub-second commands that send the same requests differ by noise, not by strategy.
	for _, c := range []struct {
		def, base float64
		pass      bool
	}{{0.347, 0.334, true}, {0.5, 0.3, false}, {55, 53, true}, {60, 53, false}} {
		one := ScenarioResult{Scenario: Scenario{ID: "p", Kind: KindPlan},
			Runs: map[string]*Run{StrategyDefault: {WallSeconds: c.def, TotalRequests: 1}, StrategyBaseline: {WallSeconds: c.base, TotalRequests: 1}}}
		evaluate(&one, emu)
		for _, tg := range one.Targets {
			if tg.Name == "not slower than baseline" && tg.Pass != c.pass {
				t.Errorf("%.3f s vs baseline %.3f s: pass = %v, want %v (%s)", c.def, c.base, tg.Pass, c.pass, tg.Detail)
			}
		}
	}

	failed := ScenarioResult{Scenario: Scenario{ID: "p", Kind: KindPlan, MaxRequests: 2},
		Runs: map[string]*Run{StrategyDefault: {Error: "terraform plan exited with status 1"}}}
	evaluate(&failed, emu)
	if len(failed.Targets) != 1 || failed.Targets[0].Pass {
		t.Errorf("a failed run must fail its scenario, got %+v", failed.Targets)
	}
}
