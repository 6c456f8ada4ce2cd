package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Strategies the provider can be measured with.
const (
	// StrategyDefault is the provider as shipped: shared waiter, batched reads, request budget.
	StrategyDefault = "default"
	// StrategyBaseline is the official provider's behaviour (DROPLET_PROVIDER_STRATEGY=baseline):
	// first poll after 10 s, then every 3 s, one request per action and per read.
	StrategyBaseline = "baseline"
	// VariantNoop is the default strategy against actions that complete at once: Terraform's own
	// overhead plus the requests' latency, with nothing to wait for.
	VariantNoop = "noop"
)

// Settings say what to run and with which binaries.
type Settings struct {
	Terraform string // terraform binary
	Provider  string // terraform-provider-droplet binary
	Emulator  string // droplet-emulator binary
	// WorkDir holds workspaces, logs and the CLI configuration (".bench").
	WorkDir  string
	Emulated EmulatorSettings
	// CommandTimeout bounds each terraform command.
	CommandTimeout time.Duration
	// Progress receives one line per measured command.
	Progress io.Writer
	// ProviderLogLevel, when set (e.g. "debug"), writes the provider's log of each measured
	// command next to its terraform log, to see which requests a missed target comes from.
	// Logging costs time: figures from such a run are for diagnosis only.
	ProviderLogLevel string
}

// DefaultEmulatorSettings are the issue's: 30 ms per request, 3 s actions, 20 s snapshots, and
// DigitalOcean's rate limits.
func DefaultEmulatorSettings() EmulatorSettings {
	return EmulatorSettings{
		Latency:            Duration(30 * time.Millisecond),
		ActionDuration:     Duration(3 * time.Second),
		ActionDurations:    map[string]Duration{"snapshot": Duration(20 * time.Second)},
		RateLimitPerMinute: 250,
		RateLimitPerHour:   5000,
	}
}

// Run is one measured terraform command.
type Run struct {
	Variant        string         `json:"variant"`
	WallSeconds    float64        `json:"wall_seconds"`
	TotalRequests  int            `json:"total_requests"`
	PeakPerMinute  int            `json:"peak_per_minute"`
	RateLimited    int            `json:"rate_limited"`
	Requests       map[string]int `json:"requests"`
	ActionsStarted map[string]int `json:"actions_started"`
	// PlanChanges is set when a plan scenario's plan was not empty (it should be).
	PlanChanges bool   `json:"plan_changes,omitempty"`
	Error       string `json:"error,omitempty"`
	// Output is the end of terraform's output when the command failed.
	Output string `json:"output,omitempty"`
	Log    string `json:"log"`
	// FailedAttempts are the errors of earlier attempts (no-op runs only are retried).
	FailedAttempts []string `json:"failed_attempts,omitempty"`
}

// OK reports whether the command succeeded.
func (r *Run) OK() bool { return r != nil && r.Error == "" }

// ScenarioResult is a scenario with its runs, ratios and targets.
type ScenarioResult struct {
	Scenario
	Runs map[string]*Run `json:"runs"`
	// ActionSeconds is how long each of the scenario's actions runs on the emulator.
	ActionSeconds float64 `json:"action_seconds,omitempty"`
	Waves         int     `json:"waves,omitempty"`
	// OverheadSeconds is the no-op run's wall time; IdealSeconds = ActionSeconds × Waves + OverheadSeconds.
	OverheadSeconds float64  `json:"overhead_seconds,omitempty"`
	IdealSeconds    float64  `json:"ideal_seconds,omitempty"`
	Ratios          Ratios   `json:"ratios"`
	Targets         []Target `json:"targets"`
	// Notes are what a reader of the figures must know: a baseline that cannot be the official
	// provider's behaviour, a target no strategy can reach, a reference run that needed a retry.
	Notes []string `json:"notes,omitempty"`
}

// Ratios compare the default strategy with the baseline and the ideal (0 when not measured).
type Ratios struct {
	WallVsIdeal        float64 `json:"wall_vs_ideal,omitempty"`
	WallVsBaseline     float64 `json:"wall_vs_baseline,omitempty"`
	RequestsVsBaseline float64 `json:"requests_vs_baseline,omitempty"`
	PeakVsBaseline     float64 `json:"peak_vs_baseline,omitempty"`
}

// Report is everything one run of the harness measured.
type Report struct {
	Started   time.Time        `json:"started"`
	Finished  time.Time        `json:"finished"`
	Command   string           `json:"command"`
	Machine   Machine          `json:"machine"`
	Emulated  EmulatorSettings `json:"emulator"`
	Scenarios []ScenarioResult `json:"scenarios"`
}

// Passed reports whether every target of every scenario passed.
func (r *Report) Passed() bool {
	for _, s := range r.Scenarios {
		for _, t := range s.Targets {
			if !t.Pass {
				return false
			}
		}
	}
	return true
}

// Execute measures the scenarios one after the other (never concurrently: on a small machine
// parallel runs would measure each other). A failed command is recorded in its Run and the
// harness goes on; only a broken set-up (binaries, emulator) is an error.
func Execute(ctx context.Context, s Settings, scenarios []Scenario) (*Report, error) {
	if s.CommandTimeout <= 0 {
		s.CommandTimeout = 20 * time.Minute
	}
	if s.Progress == nil {
		s.Progress = io.Discard
	}
	for _, p := range []*string{&s.Terraform, &s.Provider, &s.Emulator, &s.WorkDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, err
		}
		*p = abs
	}
	for name, p := range map[string]string{"terraform": s.Terraform, "provider": s.Provider, "emulator": s.Emulator} {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return nil, fmt.Errorf("%s binary %s not found", name, p)
		}
	}
	if err := os.MkdirAll(s.WorkDir, 0o755); err != nil {
		return nil, err
	}
	// dev_overrides wants a directory holding a binary named after the provider.
	providerDir := filepath.Join(s.WorkDir, "provider")
	if err := os.MkdirAll(providerDir, 0o755); err != nil {
		return nil, err
	}
	link := filepath.Join(providerDir, "terraform-provider-droplet")
	_ = os.Remove(link)
	if err := os.Symlink(s.Provider, link); err != nil {
		return nil, fmt.Errorf("link provider binary: %w", err)
	}
	cliConfig := filepath.Join(s.WorkDir, "terraformrc")
	if err := writeCLIConfig(cliConfig, providerDir); err != nil {
		return nil, err
	}

	rep := &Report{Started: time.Now().UTC(), Machine: describeMachine(ctx, s.Terraform), Emulated: s.Emulated}
	h := harness{s: s, cliConfig: cliConfig}
	for _, sc := range WithTitles(scenarios) {
		res := ScenarioResult{Scenario: sc, Runs: map[string]*Run{}}
		variants := []string{StrategyDefault, StrategyBaseline}
		if sc.RunsActions() {
			variants = append([]string{VariantNoop}, variants...)
		}
		for _, v := range variants {
			run, err := h.measure(ctx, sc, v)
			if err == nil && v == VariantNoop && !run.OK() {
				// The no-op run is the harness's reference for the ideal time, not a measurement of
				// the strategy: one failure is retried on a fresh emulator and recorded, so a flaky
				// error still shows without leaving the scenario without an ideal.
				progress(s.Progress, "%-16s %-9s failed (%s), measuring again\n", sc.ID, v, run.Error)
				first := run
				if run, err = h.measure(ctx, sc, v); err == nil {
					run.FailedAttempts = append(run.FailedAttempts, first.Error)
				}
			}
			if err != nil {
				return rep, fmt.Errorf("%s (%s): %w", sc.ID, v, err)
			}
			res.Runs[v] = run
			progress(s.Progress, "%-16s %-9s %8.1f s %6d requests  peak %4d/60 s  %3d × 429  %s\n",
				sc.ID, v, run.WallSeconds, run.TotalRequests, run.PeakPerMinute, run.RateLimited, status(run))
		}
		evaluate(&res, s.Emulated)
		rep.Scenarios = append(rep.Scenarios, res)
	}
	rep.Finished = time.Now().UTC()
	return rep, nil
}

// progress reports to the person watching; a failed write there must not stop a measurement.
func progress(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }

func status(r *Run) string {
	switch {
	case !r.OK():
		return "FAILED: " + r.Error
	case r.PlanChanges:
		return "ok (plan not empty)"
	case len(r.FailedAttempts) > 0:
		return fmt.Sprintf("ok after %d failed attempt(s)", len(r.FailedAttempts))
	}
	return "ok"
}

// lastLine is the most telling line of terraform's output: the first "Error:" line, or the last.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Error:") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

type harness struct {
	s         Settings
	cliConfig string
}

// measure runs one scenario for one variant against a fresh emulator process.
func (h harness) measure(ctx context.Context, sc Scenario, variant string) (*Run, error) {
	name := sc.ID + "-" + variant
	logFile, err := openLog(filepath.Join(h.s.WorkDir, "logs"), name+".log")
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // written to by terraform and the emulator only
	run := &Run{Variant: variant, Log: logFile.Name()}

	emu := h.s.Emulated
	if variant == VariantNoop {
		emu.ActionDuration, emu.ActionDurations = 0, nil
	}
	seeded := sc.AccountDroplets
	if sc.FreshDroplets {
		seeded = 0
	}
	token := randomToken()
	p, err := startEmulator(ctx, h.s.Emulator, emu, seeded, token, logFile)
	if err != nil {
		return nil, err
	}
	defer p.stop()

	// Reach the starting state without counting it.
	saved, err := p.liftLimits(ctx)
	if err != nil {
		return nil, fmt.Errorf("lift emulator limits: %w", err)
	}
	var ids []int
	if sc.FreshDroplets {
		ids, err = p.createDroplets(ctx, sc.Resources, sc.ID)
	} else {
		ids, err = p.dropletIDs(ctx)
		if err == nil && len(ids) < sc.Resources {
			err = fmt.Errorf("the account has %d droplets, the scenario needs %d", len(ids), sc.Resources)
		}
		if err == nil {
			ids = ids[len(ids)-sc.Resources:]
		}
	}
	if err != nil {
		return nil, fmt.Errorf("prepare droplets: %w", err)
	}
	dir := filepath.Join(h.s.WorkDir, "runs", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := writeWorkspace(dir, sc.Resource, ids); err != nil {
		return nil, err
	}
	tf := tfRun{
		terraform: h.s.Terraform, dir: dir, cliConfig: h.cliConfig, endpoint: p.url, token: token,
		timeout: h.s.CommandTimeout, log: logFile,
	}
	if sc.Kind != KindApply {
		// The resources must exist first. The baseline strategy has no client-side budget, and
		// actions finish at once here, so this is quick whatever the resource count.
		setup := tf
		setup.baseline = true
		if r, err := setup.run(ctx, "apply", "-input=false", "-no-color", "-auto-approve", "-parallelism=50"); err != nil {
			return nil, fmt.Errorf("set-up apply: %w\n%s", err, r.tail)
		}
	}
	if err := p.restoreLimits(ctx, saved); err != nil {
		return nil, fmt.Errorf("restore emulator limits: %w", err)
	}
	if err := p.resetStats(ctx); err != nil {
		return nil, fmt.Errorf("reset emulator stats: %w", err)
	}

	tf.baseline = variant == StrategyBaseline
	if h.s.ProviderLogLevel != "" {
		tf.providerLog = filepath.Join(h.s.WorkDir, "logs", name+".provider.log")
		tf.providerLogLevel = h.s.ProviderLogLevel
		_ = os.Remove(tf.providerLog)
	}
	res, runErr := tf.run(ctx, tfArgs(sc.Kind, sc.Parallelism)...)
	run.WallSeconds = res.wall.Seconds()
	run.PlanChanges = res.changes
	if runErr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		run.Error = runErr.Error()
		if l := lastLine(res.tail); strings.HasPrefix(l, "Error:") {
			run.Error += " (" + l + ")"
		}
		run.Output = res.tail
	}
	st, err := p.stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read emulator stats: %w", err)
	}
	run.TotalRequests, run.PeakPerMinute, run.RateLimited = st.TotalRequests, st.PeakPerMinute, st.RateLimited
	run.Requests, run.ActionsStarted = st.Requests, st.ActionsStarted
	return run, nil
}

func randomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "dop_v1_" + hex.EncodeToString(b)
}

// ErrTargetsMissed is returned by callers that want a non-zero exit when a target failed.
var ErrTargetsMissed = errors.New("some targets were missed")
