package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The runs of a scenario.
const (
	// RunProvider is this provider as shipped.
	RunProvider = "droplet"
	// RunNoop is this provider against actions that complete at once and an API without rate
	// limits: Terraform's own time plus the requests' latency, with nothing to wait for.
	RunNoop = "noop"
	// RunPeer is the official DigitalOcean provider, configured as its users do it.
	RunPeer = "peer"
)

// Settings say what to run and with which binaries.
type Settings struct {
	Terraform string // terraform binary
	Provider  string // terraform-provider-droplet binary
	Emulator  string // droplet-emulator binary
	// Peer is the official provider's binary (terraform-provider-digitalocean); empty: no peer.
	Peer string
	// WorkDir holds workspaces, logs and the CLI configuration (".bench").
	WorkDir  string
	Emulated EmulatorSettings
	// CommandTimeout bounds each terraform command.
	CommandTimeout time.Duration
	// Progress receives one line per measured command.
	Progress io.Writer
	// ProviderLogLevel, when set (e.g. "debug"), writes the providers' log of each measured
	// command next to its terraform log, to see which requests a missed target comes from.
	// Logging costs time: figures from such a run are for diagnosis only.
	ProviderLogLevel string
}

// DefaultEmulatorSettings are the measured conditions: 30 ms per request, 3 s actions, 20 s
// snapshots, and DigitalOcean's rate limits.
func DefaultEmulatorSettings() EmulatorSettings {
	return EmulatorSettings{
		Latency:            Duration(30 * time.Millisecond),
		ActionDuration:     Duration(3 * time.Second),
		ActionDurations:    map[string]Duration{"snapshot": Duration(20 * time.Second)},
		RateLimitPerMinute: 250,
		RateLimitPerHour:   5000,
	}
}

// Run is one measured terraform command (or several at once, for a scenario of several applies).
type Run struct {
	Name           string         `json:"name"`
	Lane           string         `json:"lane,omitempty"`
	WallSeconds    float64        `json:"wall_seconds"`
	TotalRequests  int            `json:"total_requests"`
	PeakPerMinute  int            `json:"peak_per_minute"`
	RateLimited    int            `json:"rate_limited"`
	Requests       map[string]int `json:"requests"`
	ActionsStarted map[string]int `json:"actions_started"`
	// CPUSeconds is the user and system time of terraform and its plugins.
	CPUSeconds float64 `json:"cpu_seconds"`
	// MemoryMB is the provider's peak resident memory (0 where /proc cannot tell).
	MemoryMB float64 `json:"memory_mb,omitempty"`
	// Walls holds each apply's wall time when several ran at once (WallSeconds is the longest).
	Walls []float64 `json:"walls,omitempty"`
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
	// Floor is the fewest requests the scenario can take (see floor), FloorDetail what they are.
	Floor       int    `json:"floor,omitempty"`
	FloorDetail string `json:"floor_detail,omitempty"`
	// OverheadSeconds is the no-op run's wall time; IdealSeconds is
	// max(ActionSeconds × Waves, Floor ÷ the request budget) + OverheadSeconds.
	OverheadSeconds float64  `json:"overhead_seconds,omitempty"`
	IdealSeconds    float64  `json:"ideal_seconds,omitempty"`
	Ratios          Ratios   `json:"ratios"`
	Targets         []Target `json:"targets"`
	// Notes are what a reader of the figures must know: a target that cannot be reached, a
	// reference run that needed a retry, a run measured beside others.
	Notes []string `json:"notes,omitempty"`
}

// Ratios compare this provider's run with the ideal, the floor and the peer (0 = not measured).
type Ratios struct {
	WallVsIdeal     float64 `json:"wall_vs_ideal,omitempty"`
	RequestsVsFloor float64 `json:"requests_vs_floor,omitempty"`
	WallVsPeer      float64 `json:"wall_vs_peer,omitempty"`
	RequestsVsPeer  float64 `json:"requests_vs_peer,omitempty"`
}

// Report is everything one run of the harness measured.
type Report struct {
	Started   time.Time        `json:"started"`
	Finished  time.Time        `json:"finished"`
	Command   string           `json:"command"`
	Machine   Machine          `json:"machine"`
	Emulated  EmulatorSettings `json:"emulator"`
	Peer      string           `json:"peer,omitempty"`
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

// job is one run of one scenario.
type job struct {
	scenario int
	run      string
	lane     string
}

// Execute measures the scenarios. Runs without a lane go first, one at a time (on a small
// machine, parallel runs would measure each other's CPU); then the lanes run side by side. A
// failed command is recorded in its Run and the harness goes on; only a broken set-up
// (binaries, emulator) is an error.
func Execute(ctx context.Context, s Settings, scenarios []Scenario) (*Report, error) {
	if s.CommandTimeout <= 0 {
		s.CommandTimeout = 30 * time.Minute
	}
	if s.Progress == nil {
		s.Progress = io.Discard
	}
	paths := []*string{&s.Terraform, &s.Provider, &s.Emulator, &s.WorkDir}
	if s.Peer != "" {
		paths = append(paths, &s.Peer)
	}
	for _, p := range paths {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, err
		}
		*p = abs
	}
	bins := map[string]string{"terraform": s.Terraform, "provider": s.Provider, "emulator": s.Emulator}
	if s.Peer != "" {
		bins["peer"] = s.Peer
	}
	for name, p := range bins {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return nil, fmt.Errorf("%s binary %s not found", name, p)
		}
	}
	cliConfig, err := prepareWorkDir(s)
	if err != nil {
		return nil, err
	}

	scenarios = WithTitles(scenarios)
	rep := &Report{Started: time.Now().UTC(), Machine: describeMachine(ctx, s.Terraform), Emulated: s.Emulated, Peer: s.Peer}
	results := make([]ScenarioResult, len(scenarios))
	var alone []job
	lanes := map[string][]job{}
	var laneOrder []string
	add := func(j job) {
		if j.lane == "" {
			alone = append(alone, j)
			return
		}
		if _, ok := lanes[j.lane]; !ok {
			laneOrder = append(laneOrder, j.lane)
		}
		lanes[j.lane] = append(lanes[j.lane], j)
	}
	for i, sc := range scenarios {
		results[i] = ScenarioResult{Scenario: sc, Runs: map[string]*Run{}}
		if sc.RunsActions() {
			add(job{scenario: i, run: RunNoop})
		}
		add(job{scenario: i, run: RunProvider, lane: sc.Lane})
		if sc.Peer && s.Peer != "" {
			add(job{scenario: i, run: RunPeer, lane: sc.PeerLane})
		}
	}

	h := harness{s: s, cliConfig: cliConfig}
	var mu sync.Mutex
	var failures []error
	do := func(j job) {
		sc := scenarios[j.scenario]
		run, err := h.measure(ctx, sc, j.run)
		if err == nil && j.run == RunNoop && !run.OK() {
			// The no-op run is the harness's reference for the ideal time, not a measurement of
			// the provider: one failure is retried on a fresh emulator and recorded, so a flaky
			// error still shows without leaving the scenario without an ideal.
			progress(s.Progress, "%-17s %-7s failed (%s), measuring again\n", sc.ID, j.run, run.Error)
			first := run
			if run, err = h.measure(ctx, sc, j.run); err == nil {
				run.FailedAttempts = append(run.FailedAttempts, first.Error)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, fmt.Errorf("%s (%s): %w", sc.ID, j.run, err))
			return
		}
		run.Lane = j.lane
		results[j.scenario].Runs[j.run] = run
		progress(s.Progress, "%-17s %-7s %8.1f s %6d requests  peak %4d/60 s  %3d × 429  %s\n",
			sc.ID, j.run, run.WallSeconds, run.TotalRequests, run.PeakPerMinute, run.RateLimited, status(run))
	}
	for _, j := range alone {
		if do(j); len(failures) > 0 || ctx.Err() != nil {
			break
		}
	}
	if len(failures) == 0 && ctx.Err() == nil {
		if len(laneOrder) > 0 {
			progress(s.Progress, "now %d lanes side by side: %s\n", len(laneOrder), strings.Join(laneOrder, ", "))
		}
		var wg sync.WaitGroup
		for _, name := range laneOrder {
			wg.Add(1)
			go func(js []job) {
				defer wg.Done()
				for _, j := range js {
					mu.Lock()
					stop := len(failures) > 0
					mu.Unlock()
					if stop || ctx.Err() != nil {
						return
					}
					do(j)
				}
			}(lanes[name])
		}
		wg.Wait()
	}
	for i := range results {
		evaluate(&results[i], s.Emulated)
	}
	rep.Scenarios = results
	rep.Finished = time.Now().UTC()
	rep.Machine.LoadAfter = loadAverage()
	if len(failures) > 0 {
		return rep, errors.Join(failures...)
	}
	return rep, ctx.Err()
}

// prepareWorkDir links the binaries where dev_overrides expect them and writes the CLI
// configuration; it returns the configuration's path.
func prepareWorkDir(s Settings) (string, error) {
	link := func(dir, name, target string) error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		l := filepath.Join(dir, name)
		_ = os.Remove(l)
		if err := os.Symlink(target, l); err != nil {
			return fmt.Errorf("link %s: %w", name, err)
		}
		return nil
	}
	// dev_overrides wants a directory holding a binary named after the provider.
	providerDir := filepath.Join(s.WorkDir, "provider")
	if err := link(providerDir, "terraform-provider-droplet", s.Provider); err != nil {
		return "", err
	}
	peerDir := ""
	if s.Peer != "" {
		peerDir = filepath.Join(s.WorkDir, "peer")
		if err := link(peerDir, "terraform-provider-digitalocean", s.Peer); err != nil {
			return "", err
		}
	}
	cliConfig := filepath.Join(s.WorkDir, "terraformrc")
	return cliConfig, writeCLIConfig(cliConfig, providerDir, peerDir)
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

// ErrTargetsMissed is returned by callers that want a non-zero exit when a target failed.
var ErrTargetsMissed = errors.New("some targets were missed")
