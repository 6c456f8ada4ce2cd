package bench

import (
	"fmt"
	"strings"
)

// The targets.
const (
	maxWallVsIdeal        = 1.2
	maxWallVsBaseline     = 0.4
	maxRequestsVsBaseline = 0.3
	maxPeakPerMinute      = 200
)

// Target is one of the targets checked against one scenario's figures.
type Target struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

// evaluate fills in the ideal time, the ratios and the targets from the runs.
func evaluate(res *ScenarioResult, emu EmulatorSettings) {
	def, base, noop := res.Runs[StrategyDefault], res.Runs[StrategyBaseline], res.Runs[VariantNoop]
	add := func(name string, pass bool, format string, args ...any) {
		res.Targets = append(res.Targets, Target{Name: name, Pass: pass, Detail: fmt.Sprintf(format, args...)})
	}
	if !def.OK() {
		add("default strategy succeeds", false, "%s", errText(def))
		return
	}
	if res.Kind == KindPlan && def.PlanChanges {
		// A plan that wants changes did more than refresh; its figures are not the scenario's.
		add("plan is empty after apply", false, "the refresh found differences; see %s", def.Log)
	}

	if res.RunsActions() && noop.OK() {
		res.ActionSeconds = emu.DurationFor(res.ActionType).Seconds()
		res.Waves = res.Scenario.Waves()
		res.OverheadSeconds = noop.WallSeconds
		res.IdealSeconds = res.ActionSeconds*float64(res.Waves) + res.OverheadSeconds
		res.Ratios.WallVsIdeal = def.WallSeconds / res.IdealSeconds
	}
	if base.OK() || (base != nil && base.TotalRequests > 0) {
		res.Ratios.WallVsBaseline = ratio(def.WallSeconds, base.WallSeconds)
		res.Ratios.RequestsVsBaseline = ratio(float64(def.TotalRequests), float64(base.TotalRequests))
		res.Ratios.PeakVsBaseline = ratio(float64(def.PeakPerMinute), float64(base.PeakPerMinute))
	}
	baseNote := ""
	if !base.OK() {
		baseNote = " (baseline run failed: " + errText(base) + ")"
	}

	if res.RunsActions() {
		if res.IdealSeconds > 0 {
			add("wall ≤ 1.2 × ideal", res.Ratios.WallVsIdeal <= maxWallVsIdeal,
				"%.1f s vs ideal %.1f s (%d wave(s) × %.0f s + %.1f s no-op run): ×%.2f",
				def.WallSeconds, res.IdealSeconds, res.Waves, res.ActionSeconds, res.OverheadSeconds, res.Ratios.WallVsIdeal)
		} else {
			add("wall ≤ 1.2 × ideal", false, "no ideal: the no-op run failed: %s", errText(noop))
		}
		if res.Ratios.WallVsBaseline > 0 {
			add("wall ≤ 0.4 × baseline", res.Ratios.WallVsBaseline <= maxWallVsBaseline,
				"%.1f s vs %.1f s: ×%.2f%s", def.WallSeconds, base.WallSeconds, res.Ratios.WallVsBaseline, baseNote)
			add("requests ≤ 0.3 × baseline", res.Ratios.RequestsVsBaseline <= maxRequestsVsBaseline,
				"%d vs %d: ×%.2f%s", def.TotalRequests, base.TotalRequests, res.Ratios.RequestsVsBaseline, baseNote)
		}
	}
	if res.MaxRequests > 0 {
		add(fmt.Sprintf("requests ≤ %d", res.MaxRequests), def.TotalRequests <= res.MaxRequests,
			"%d requests", def.TotalRequests)
	}
	notes(res, def, base, noop)
	add("peak ≤ 200 per 60 s", def.PeakPerMinute <= maxPeakPerMinute, "%d in the busiest 60 s", def.PeakPerMinute)
	add("no 429s", def.RateLimited == 0, "%d × 429", def.RateLimited)
	if res.Ratios.WallVsBaseline > 0 {
		margin := max(noiseSeconds, noiseFraction*base.WallSeconds)
		add("not slower than baseline", def.WallSeconds <= base.WallSeconds+margin,
			"%s s vs %s s (noise margin %s s)%s",
			secs(def.WallSeconds), secs(base.WallSeconds), secs(margin), baseNote)
	}
}

// Two runs that send the same requests differ by up to this much on a small machine (terraform
// and provider start-up dominate sub-second commands). "Slower than baseline" means slower by
// more than the larger of the two.
const (
	noiseSeconds  = 0.1
	noiseFraction = 0.05
)

// secs formats seconds with two decimals below 10 s, where tenths would hide the difference.
func secs(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func errText(r *Run) string {
	switch {
	case r == nil:
		return "not run"
	case r.Error == "":
		return "ok"
	}
	return r.Error
}

// officialFirstPoll is when the official provider first asks about an action: no wave of
// actions can finish sooner with its behaviour.
const officialFirstPoll = 10

// notes records what qualifies the figures.
func notes(res *ScenarioResult, def, base, noop *Run) {
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	if noop != nil {
		for _, f := range noop.FailedAttempts {
			if noop.OK() {
				note("the no-op run failed once before it succeeded: %s", f)
			} else {
				note("the no-op run failed twice; the first time: %s", f)
			}
		}
	}
	if noop.OK() {
		polls := 0
		for route, n := range noop.Requests {
			if strings.HasPrefix(route, "GET /v2/actions") || strings.HasSuffix(route, "/actions/{action_id}") {
				polls += n
			}
		}
		if polls > 0 {
			note("the no-op run polled actions %d time(s) although every action was already completed in "+
				"the answer to its POST: its %.2f s include waiting, so the ideal is lenient by that much", polls, noop.WallSeconds)
		}
	}
	if !res.RunsActions() || base == nil || base.TotalRequests == 0 {
		return
	}
	if floor := float64(res.Waves * officialFirstPoll); base.OK() && base.WallSeconds < floor {
		note("the baseline took %.1f s, less than %d wave(s) × %d s: it polled sooner than the official "+
			"provider's first poll after 10 s, so the baseline is faster than the behaviour it stands for",
			base.WallSeconds, res.Waves, officialFirstPoll)
	}
	posts := 0
	for route, n := range def.Requests {
		if strings.HasPrefix(route, "POST ") {
			posts += n
		}
	}
	if r := float64(posts) / float64(base.TotalRequests); r > maxRequestsVsBaseline {
		note("requests ≤ 0.3 × baseline is out of reach: the %d action POSTs alone are ×%.2f of the "+
			"baseline's %d requests", posts, r, base.TotalRequests)
	}
}
