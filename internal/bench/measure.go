package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

type harness struct {
	s         Settings
	cliConfig string
}

// setupParallelism is terraform's -parallelism for set-up commands: with the emulator's limits
// lifted nothing is gained by waiting.
const setupParallelism = 200

// measure runs one scenario's run against a fresh emulator process.
func (h harness) measure(ctx context.Context, sc Scenario, name string) (*Run, error) {
	label := sc.ID + "-" + name
	logFile, err := openLog(filepath.Join(h.s.WorkDir, "logs"), label+".log")
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // written to by terraform and the emulator only
	run := &Run{Name: name, Log: logFile.Name()}

	emu := h.s.Emulated
	if name == RunNoop {
		emu.ActionDuration, emu.ActionDurations = 0, nil
		emu.RateLimitPerMinute, emu.RateLimitPerHour = 0, 0
	}
	peer := name == RunPeer
	// The account's droplets beyond the managed ones are seeded by the emulator (every other
	// one with backups); the managed ones are created after them, last in listing order.
	seeded := sc.AccountDroplets - sc.Resources*sc.applies()
	if peer {
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
	droplets, err := h.droplets(ctx, p, sc, peer)
	if err != nil {
		return nil, fmt.Errorf("prepare droplets: %w", err)
	}
	base := tfRun{terraform: h.s.Terraform, cliConfig: h.cliConfig, endpoint: p.url, token: token,
		timeout: h.s.CommandTimeout, log: logFile}
	var runs []tfRun
	var args []string
	if peer {
		tf, err := h.preparePeer(ctx, base, label, sc, droplets)
		if err != nil {
			return nil, err
		}
		runs, args = []tfRun{tf}, peerArgs(sc)
		runs[0].provider = h.s.Peer
	} else {
		if runs, err = h.prepare(ctx, base, label, sc, droplets); err != nil {
			return nil, err
		}
		args = tfArgs(sc.Kind, sc.Parallelism)
	}
	if err := p.restoreLimits(ctx, saved); err != nil {
		return nil, fmt.Errorf("restore emulator limits: %w", err)
	}
	if err := p.resetStats(ctx); err != nil {
		return nil, fmt.Errorf("reset emulator stats: %w", err)
	}

	results := make([]tfResult, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i := range runs {
		if h.s.ProviderLogLevel != "" {
			runs[i].providerLog = filepath.Join(h.s.WorkDir, "logs", fmt.Sprintf("%s-%d.provider.log", label, i+1))
			runs[i].providerLogLevel = h.s.ProviderLogLevel
			_ = os.Remove(runs[i].providerLog)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = runs[i].run(ctx, args...)
		}(i)
	}
	wg.Wait()
	for i, res := range results {
		run.WallSeconds = max(run.WallSeconds, res.wall.Seconds())
		if len(runs) > 1 {
			run.Walls = append(run.Walls, res.wall.Seconds())
		}
		run.CPUSeconds += res.cpu.Seconds()
		run.MemoryMB = max(run.MemoryMB, res.memoryMB)
		run.PlanChanges = run.PlanChanges || res.changes
		if errs[i] != nil && run.Error == "" {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			run.Error = errs[i].Error()
			if l := lastLine(res.tail); strings.HasPrefix(l, "Error:") {
				run.Error += " (" + l + ")"
			}
			run.Output = res.tail
		}
	}
	st, err := p.stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read emulator stats: %w", err)
	}
	run.TotalRequests, run.PeakPerMinute, run.RateLimited = st.TotalRequests, st.PeakPerMinute, st.RateLimited
	run.Requests, run.ActionsStarted = st.Requests, st.ActionsStarted
	return run, nil
}

// droplets makes the droplets a run manages and returns them: without backups for an apply
// (and for the official provider, which turns them on itself in its set-up), with the
// configuration's daily backups for this provider's plans and destroys.
func (h harness) droplets(ctx context.Context, p *emulatorProc, sc Scenario, peer bool) ([]peerDroplet, error) {
	want := sc.Resources * sc.applies()
	if err := p.createDroplets(ctx, want, sc.ID, !peer && sc.Kind != KindApply); err != nil {
		return nil, err
	}
	all, err := p.droplets(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) < want {
		return nil, fmt.Errorf("the account has %d droplets, the scenario needs %d", len(all), want)
	}
	return all[len(all)-want:], nil
}

// prepare writes this provider's workspaces (one per apply run at once) and, for a plan or a
// destroy, applies them first.
func (h harness) prepare(ctx context.Context, base tfRun, label string, sc Scenario, droplets []peerDroplet) ([]tfRun, error) {
	n := sc.applies()
	runs := make([]tfRun, n)
	per := len(droplets) / n
	for i := range runs {
		dir := filepath.Join(h.s.WorkDir, "runs", label)
		if n > 1 {
			dir = filepath.Join(dir, strconv.Itoa(i+1))
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := writeWorkspace(dir, sc.Resource, ids(droplets[i*per:(i+1)*per])); err != nil {
			return nil, err
		}
		runs[i] = base
		runs[i].dir = dir
		runs[i].provider = h.s.Provider
		if sc.Kind != KindApply {
			// The resources must be in the state first: the droplets have their backups
			// already, so the state Terraform would write for them is written directly, from
			// one resource's (see writeState), and no apply of thousands is needed.
			if err := h.writeState(ctx, base, label, sc.Resource, dir, ids(droplets[i*per:(i+1)*per])); err != nil {
				return nil, err
			}
		}
	}
	return runs, nil
}

// preparePeer imports the droplets into the official provider's state as its users do (an
// import block per droplet, backups as the droplets have them: off), and for a plan or a
// disable turns backups on first. It leaves the configuration the measured command applies.
func (h harness) preparePeer(ctx context.Context, base tfRun, label string, sc Scenario, droplets []peerDroplet) (tfRun, error) {
	dir := filepath.Join(h.s.WorkDir, "runs", label)
	if err := os.RemoveAll(dir); err != nil {
		return tfRun{}, err
	}
	if err := writePeerWorkspace(dir, droplets, false); err != nil {
		return tfRun{}, err
	}
	tf := base.withDir(dir)
	steps := []bool{false}
	if sc.Kind != KindApply {
		steps = append(steps, true)
	}
	for _, backups := range steps {
		if err := setPeerBackups(dir, droplets, backups); err != nil {
			return tfRun{}, err
		}
		if r, err := tf.run(ctx, tfArgs(KindApply, setupParallelism)...); err != nil {
			return tfRun{}, fmt.Errorf("peer set-up apply (backups %v): %w\n%s", backups, err, r.tail)
		}
	}
	// What the measured command asks for: backups on (apply, and the plan of droplets that
	// have them), or off (the official provider's way to disable them).
	return tf, setPeerBackups(dir, droplets, sc.Kind != KindDestroy)
}

// peerArgs are the official provider's command for a scenario: disabling backups is an apply.
func peerArgs(sc Scenario) []string {
	if sc.Kind == KindPlan {
		return tfArgs(KindPlan, sc.Parallelism)
	}
	return tfArgs(KindApply, sc.Parallelism)
}

func (r tfRun) withDir(dir string) tfRun {
	r.dir = dir
	r.provider = ""
	return r
}

func randomToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "dop_v1_" + hex.EncodeToString(b)
}
