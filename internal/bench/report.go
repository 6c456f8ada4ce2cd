package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Machine describes where the figures were measured.
type Machine struct {
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model,omitempty"`
	MemoryGiB string `json:"memory_gib,omitempty"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
	Commit    string `json:"commit,omitempty"`
}

func describeMachine(ctx context.Context, terraform string) Machine {
	m := Machine{
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version(),
		Terraform: terraformVersion(ctx, terraform),
	}
	m.CPUModel = procField("/proc/cpuinfo", "model name")
	if kb := procField("/proc/meminfo", "MemTotal"); kb != "" {
		if n, err := strconv.ParseFloat(strings.Fields(kb)[0], 64); err == nil {
			m.MemoryGiB = strconv.FormatFloat(n/(1<<20), 'f', 1, 64)
		}
	}
	if out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// procField reads "key : value" from a /proc file (Linux only; empty elsewhere).
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// WriteJSON writes the report to path, creating its directory.
func (r *Report) WriteJSON(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteTables prints the figures as Markdown tables (readable in a terminal, pasteable into
// BENCHMARKS.md): the figures per run, the ratios and targets per scenario, and the requests by
// route, which say which request pattern a missed target comes from.
func (r *Report) WriteTables(w io.Writer) error {
	p := &printer{w: w}
	p.printf("Emulator: %s latency per request, actions %s", r.Emulated.Latency, r.Emulated.ActionDuration)
	for _, k := range sortedKeys(r.Emulated.ActionDurations) {
		p.printf(" (%s %s)", k, r.Emulated.ActionDurations[k])
	}
	p.printf(", rate limit %d/min and %d/h.\n", r.Emulated.RateLimitPerMinute, r.Emulated.RateLimitPerHour)
	p.printf("Machine: %s/%s, %d CPUs %s, %s GiB, %s, terraform %s, commit %s.\n\n",
		r.Machine.OS, r.Machine.Arch, r.Machine.CPUs, r.Machine.CPUModel, r.Machine.MemoryGiB,
		r.Machine.Go, r.Machine.Terraform, r.Machine.Commit)

	t := table{head: []string{"scenario", "run", "wall s", "API requests", "peak / 60 s", "429s", "result"}}
	for _, s := range r.Scenarios {
		for _, v := range []string{StrategyDefault, StrategyBaseline, VariantNoop} {
			run := s.Runs[v]
			if run == nil {
				continue
			}
			t.add(s.Title, v, secs(run.WallSeconds), strconv.Itoa(run.TotalRequests), strconv.Itoa(run.PeakPerMinute),
				strconv.Itoa(run.RateLimited), status(run))
		}
	}
	t.write(p)
	p.printf("\n")

	t = table{head: []string{"scenario", "ideal s", "wall / ideal", "wall / baseline", "requests / baseline", "peak / 60 s", "429s", "targets"}}
	for _, s := range r.Scenarios {
		def := s.Runs[StrategyDefault]
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
		verdict := fmt.Sprintf("%d/%d pass", passed, len(s.Targets))
		peak, limited := "–", "–"
		if def != nil {
			peak, limited = strconv.Itoa(def.PeakPerMinute), strconv.Itoa(def.RateLimited)
		}
		t.add(s.Title, ideal, vsIdeal, f2(s.Ratios.WallVsBaseline), f2(s.Ratios.RequestsVsBaseline), peak, limited, verdict)
	}
	t.write(p)
	p.printf("\n")

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
		for _, v := range []string{StrategyDefault, StrategyBaseline} {
			if run := s.Runs[v]; run != nil {
				t.add(s.ID, v, routes(run.Requests))
			}
		}
	}
	t.write(p)
	return p.err
}

func routes(m map[string]int) string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func f2(v float64) string {
	if v == 0 {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// printer keeps the first write error, so that a table is written without checking every line.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// table is a Markdown table padded to line up in a terminal.
type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(p *printer) {
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = max(len([]rune(h)), 3)
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-len([]rune(c))) + " |")
		}
		p.printf("%s\n", b.String())
	}
	line(t.head)
	sep := make([]string, len(width))
	for i, n := range width {
		sep[i] = strings.Repeat("-", n)
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
}
