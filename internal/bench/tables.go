package bench

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// runOrder is the order runs are listed in.
var runOrder = []string{RunProvider, RunPeer, RunNoop}

// WriteTables prints the figures as Markdown tables (readable in a terminal, pasteable into
// BENCHMARKS.md): the runs, the ratios, the scale comparison with the official provider, the
// targets, and the requests by route, which say which request pattern a missed target comes from.
func (r *Report) WriteTables(w io.Writer) error {
	p := &printer{w: w}
	p.printf("Emulator: %s latency per request, actions %s", r.Emulated.Latency, r.Emulated.ActionDuration)
	for _, k := range sortedKeys(r.Emulated.ActionDurations) {
		p.printf(" (%s %s)", k, r.Emulated.ActionDurations[k])
	}
	p.printf(", rate limit %d/min and %d/h.\n", r.Emulated.RateLimitPerMinute, r.Emulated.RateLimitPerHour)
	p.printf("Machine: %s/%s, %d CPUs %s, %s GiB, %s, terraform %s, commit %s; load average %s at the start, %s at the end.\n",
		r.Machine.OS, r.Machine.Arch, r.Machine.CPUs, r.Machine.CPUModel, r.Machine.MemoryGiB,
		r.Machine.Go, r.Machine.Terraform, r.Machine.Commit, r.Machine.LoadBefore, r.Machine.LoadAfter)
	if r.Peer != "" {
		p.printf("Peer: the official provider %s, digitalocean_droplet resources imported with import blocks, "+
			"then backups = true with a daily backup_policy.\n", r.Peer)
	} else {
		p.printf("No peer: BENCH_PEER does not name the official provider's binary, so its columns are empty " +
			"(make bench BENCH_PEER=.tools/terraform-provider-digitalocean).\n")
	}
	p.printf("Runs: %s.\n\n", took(r))

	t := table{head: []string{"scenario", "run", "wall s", "API requests", "peak / 60 s", "429s", "actions", "CPU s", "memory MB", "result"}}
	for _, s := range r.Scenarios {
		for _, name := range runOrder {
			run := s.Runs[name]
			if run == nil {
				continue
			}
			mem := "–"
			if run.MemoryMB > 0 {
				mem = f1(run.MemoryMB)
			}
			wall := secs(run.WallSeconds)
			if len(run.Walls) > 1 {
				var ws []string
				for _, x := range run.Walls {
					ws = append(ws, secs(x))
				}
				wall = strings.Join(ws, " / ")
			}
			t.add(s.Title, name, wall, strconv.Itoa(run.TotalRequests), strconv.Itoa(run.PeakPerMinute),
				strconv.Itoa(run.RateLimited), strconv.Itoa(total(run.ActionsStarted)), f1(run.CPUSeconds), mem, status(run))
		}
	}
	t.write(p)
	p.printf("\n")

	t = table{head: []string{"scenario", "floor", "requests / floor", "ideal s", "wall / ideal", "requests / peer", "wall / peer", "targets"}}
	for _, s := range r.Scenarios {
		ideal, vsIdeal := "–", "–"
		if s.IdealSeconds > 0 {
			ideal, vsIdeal = f1(s.IdealSeconds), f2(s.Ratios.WallVsIdeal)
		}
		passed := 0
		for _, tg := range s.Targets {
			if tg.Pass {
				passed++
			}
		}
		vsFloor := f2(s.Ratios.RequestsVsFloor)
		if run := s.Runs[RunProvider]; vsFloor == "–" && run.OK() && s.Floor > 0 {
			vsFloor = f2(float64(run.TotalRequests) / float64(s.Floor))
		}
		t.add(s.Title, strconv.Itoa(s.Floor), vsFloor, ideal, vsIdeal, f2(s.Ratios.RequestsVsPeer), f2(s.Ratios.WallVsPeer),
			fmt.Sprintf("%d/%d pass", passed, len(s.Targets)))
	}
	t.write(p)
	p.printf("\n")

	if sc := r.Scale(); len(sc.Points) > 0 {
		sc.write(p)
		p.printf("\n")
	}

	t = table{head: []string{"scenario", "target", "", "figures"}}
	for _, s := range r.Scenarios {
		for _, tg := range s.Targets {
			mark := "PASS"
			if !tg.Pass {
				mark = "FAIL"
			}
			t.add(s.ID, tg.Name, mark, tg.Detail)
		}
	}
	t.write(p)
	p.printf("\n")

	var anyNote bool
	for _, s := range r.Scenarios {
		for _, n := range s.Notes {
			if !anyNote {
				p.printf("Notes:\n")
				anyNote = true
			}
			p.printf("- %s: %s\n", s.ID, n)
		}
	}
	if anyNote {
		p.printf("\n")
	}

	t = table{head: []string{"scenario", "run", "requests by route"}}
	for _, s := range r.Scenarios {
		for _, name := range []string{RunProvider, RunPeer} {
			if run := s.Runs[name]; run != nil {
				t.add(s.ID, name, routes(run.Requests))
			}
		}
	}
	t.write(p)
	return p.err
}

func took(r *Report) string {
	if r.Finished.IsZero() {
		return "unfinished"
	}
	return fmt.Sprintf("%s to %s UTC, %s in all", r.Started.Format("2006-01-02 15:04"), r.Finished.Format("15:04"),
		r.Finished.Sub(r.Started).Round(1e9))
}

// ScalePoint is one droplet count of the scale comparison.
type ScalePoint struct {
	Droplets int `json:"droplets"`
	// Enable and Disable are this provider's apply and destroy; PeerEnable and PeerDisable the
	// official provider's apply with backups = true and then false. Nil: not measured.
	Enable, Disable, PeerEnable, PeerDisable *Run `json:"-"`
}

// Scale is wall time and requests against droplet count for both providers at -parallelism=10,
// with the official provider's requests projected to the largest count it was not run at.
type Scale struct {
	Points []ScalePoint
	// ProjectedEnable and ProjectedDisable are the official provider's requests at the largest
	// count, from a straight line through its two smallest counts (0 when it cannot be drawn).
	ProjectedAt                       int
	ProjectedEnable, ProjectedDisable float64
}

// Scale collects the backups scenarios at -parallelism=10 by droplet count.
func (r *Report) Scale() Scale {
	byN := map[int]*ScalePoint{}
	for _, s := range r.Scenarios {
		if s.Resource != ResourceBackups || s.Parallelism != 10 || s.applies() > 1 || s.Kind == KindPlan ||
			s.AccountDroplets != s.Resources {
			continue
		}
		pt := byN[s.Resources]
		if pt == nil {
			pt = &ScalePoint{Droplets: s.Resources}
			byN[s.Resources] = pt
		}
		if s.Kind == KindApply {
			pt.Enable, pt.PeerEnable = okRun(s.Runs[RunProvider]), okRun(s.Runs[RunPeer])
		} else {
			pt.Disable, pt.PeerDisable = okRun(s.Runs[RunProvider]), okRun(s.Runs[RunPeer])
		}
	}
	var sc Scale
	for _, pt := range byN {
		sc.Points = append(sc.Points, *pt)
	}
	sort.Slice(sc.Points, func(i, j int) bool { return sc.Points[i].Droplets < sc.Points[j].Droplets })
	project := func(get func(ScalePoint) *Run) float64 {
		var xs, ys []float64
		for _, pt := range sc.Points {
			if run := get(pt); run != nil {
				xs, ys = append(xs, float64(pt.Droplets)), append(ys, float64(run.TotalRequests))
			}
		}
		if len(xs) < 2 || len(sc.Points) == 0 || get(sc.Points[len(sc.Points)-1]) != nil {
			return 0
		}
		slope := (ys[len(ys)-1] - ys[0]) / (xs[len(xs)-1] - xs[0])
		return ys[0] + slope*(float64(sc.Points[len(sc.Points)-1].Droplets)-xs[0])
	}
	if len(sc.Points) > 0 {
		sc.ProjectedAt = sc.Points[len(sc.Points)-1].Droplets
		sc.ProjectedEnable = project(func(p ScalePoint) *Run { return p.PeerEnable })
		sc.ProjectedDisable = project(func(p ScalePoint) *Run { return p.PeerDisable })
	}
	return sc
}

func okRun(r *Run) *Run {
	if r.OK() {
		return r
	}
	return nil
}

func (sc Scale) write(p *printer) {
	cell := func(r *Run) string {
		if r == nil {
			return "–"
		}
		return fmt.Sprintf("%s s, %d req", secs(r.WallSeconds), r.TotalRequests)
	}
	ratioCell := func(a, b *Run) string {
		if a == nil || b == nil {
			return "–"
		}
		return fmt.Sprintf("%.2f wall, %.2f req", a.WallSeconds/b.WallSeconds, float64(a.TotalRequests)/float64(b.TotalRequests))
	}
	t := table{head: []string{"droplets", "enable: this provider", "enable: official", "ratio", "disable: this provider", "disable: official", "ratio"}}
	for _, pt := range sc.Points {
		pe, pd := cell(pt.PeerEnable), cell(pt.PeerDisable)
		if pt.Droplets == sc.ProjectedAt && pt.PeerEnable == nil && sc.ProjectedEnable > 0 {
			pe = fmt.Sprintf("~%.0f req (projected)", sc.ProjectedEnable)
		}
		if pt.Droplets == sc.ProjectedAt && pt.PeerDisable == nil && sc.ProjectedDisable > 0 {
			pd = fmt.Sprintf("~%.0f req (projected)", sc.ProjectedDisable)
		}
		re, rd := ratioCell(pt.Enable, pt.PeerEnable), ratioCell(pt.Disable, pt.PeerDisable)
		if pt.Enable != nil && pt.PeerEnable == nil && sc.ProjectedEnable > 0 && pt.Droplets == sc.ProjectedAt {
			re = fmt.Sprintf("%.2f req", float64(pt.Enable.TotalRequests)/sc.ProjectedEnable)
		}
		if pt.Disable != nil && pt.PeerDisable == nil && sc.ProjectedDisable > 0 && pt.Droplets == sc.ProjectedAt {
			rd = fmt.Sprintf("%.2f req", float64(pt.Disable.TotalRequests)/sc.ProjectedDisable)
		}
		t.add(strconv.Itoa(pt.Droplets), cell(pt.Enable), pe, re, cell(pt.Disable), pd, rd)
	}
	t.write(p)
	if sc.ProjectedEnable > maxPerHour || sc.ProjectedDisable > maxPerHour {
		p.printf("\nAt %d droplets the official provider would need more requests than the %d an hour the account allows.\n",
			sc.ProjectedAt, maxPerHour)
	}
}
