package bench

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestStandardScenarios(t *testing.T) {
	ids := map[string]bool{}
	for _, s := range WithTitles(Standard(false)) {
		if s.Title == "" || s.Parallelism < 1 || s.Resources < 1 || s.AccountDroplets < s.Resources*s.applies() {
			t.Errorf("bad scenario %+v", s)
		}
		if ids[s.ID] {
			t.Errorf("scenario ID %s twice", s.ID)
		}
		ids[s.ID] = true
		if s.Peer && (s.Resource != ResourceBackups || (s.Resources != 50 && s.Resources != 200)) {
			t.Errorf("%s: the official provider runs the backups scenarios of 50 and 200 droplets only", s.ID)
		}
	}
	byID := map[string]Scenario{}
	for _, s := range Standard(false) {
		byID[s.ID] = s
	}
	for id, want := range map[string]struct{ n, p, waves int }{
		"apply-backups": {50, 10, 5}, "apply-parallel": {100, 50, 2}, "apply-1000": {1000, 10, 100},
		"destroy-1000": {1000, 10, 100}, "apply-1000-p50": {1000, 50, 20}, "destroy-1000-p50": {1000, 50, 20},
	} {
		if s := byID[id]; s.Resources != want.n || s.Parallelism != want.p || s.Waves() != want.waves {
			t.Errorf("%s: %d resources at -parallelism=%d in %d waves, want %d at %d in %d", id, s.Resources, s.Parallelism, s.Waves(), want.n, want.p, want.waves)
		}
	}
	if s := byID["plan-5000"]; s.Resources != 5000 || s.MaxRequests != 60 || s.Kind != KindPlan {
		t.Errorf("plan-5000: %+v", s)
	}
	if s := byID["two-applies"]; s.applies() != 2 || s.Kind != KindApply {
		t.Errorf("two-applies: %+v", s)
	}
	for _, s := range Standard(true) {
		if s.Resources < 1 || s.AccountDroplets < s.Resources {
			t.Errorf("short scenario %+v", s)
		}
	}
}

func TestFloor(t *testing.T) {
	for _, tc := range []struct {
		s    Scenario
		want int
	}{
		// 50 POSTs, 5 polls, 1 + 5 × 1 page of policies.
		{Scenario{Kind: KindApply, Resource: ResourceBackups, Resources: 50, AccountDroplets: 50, Parallelism: 10, ActionType: "enable_backups"}, 61},
		// 1000 POSTs, 100 polls, 1 + 100 × 5 pages.
		{Scenario{Kind: KindApply, Resource: ResourceBackups, Resources: 1000, AccountDroplets: 1000, Parallelism: 10, ActionType: "enable_backups"}, 1601},
		// 1000 POSTs, 20 polls, 1 + 20 × 5 pages.
		{Scenario{Kind: KindApply, Resource: ResourceBackups, Resources: 1000, AccountDroplets: 1000, Parallelism: 50, ActionType: "enable_backups"}, 1121},
		// A destroy refreshes first: 5 pages, then 20 × 5.
		{Scenario{Kind: KindDestroy, Resource: ResourceBackups, Resources: 1000, AccountDroplets: 1000, Parallelism: 50, ActionType: "disable_backups"}, 1125},
		// Reboots: POSTs, polls, and the list the first check reads.
		{Scenario{Kind: KindApply, Resource: ResourceReboot, Resources: 50, AccountDroplets: 50, Parallelism: 10, ActionType: "reboot"}, 56},
		// Plans: the fewer of one page per 200 droplets and one read per resource.
		{Scenario{Kind: KindPlan, Resource: ResourceBackups, Resources: 5000, AccountDroplets: 5000, Parallelism: 10}, 25},
		{Scenario{Kind: KindPlan, Resource: ResourceBackups, Resources: 1, AccountDroplets: 5000, Parallelism: 10}, 1},
		// Two applies at once cannot share their polls or reads.
		{Scenario{Kind: KindApply, Resource: ResourceBackups, Resources: 200, AccountDroplets: 400, Applies: 2, Parallelism: 50, ActionType: "enable_backups"}, 2 * (200 + 4 + 1 + 4*2)},
	} {
		if got, detail := floor(tc.s); got != tc.want {
			t.Errorf("floor(%s %d at %d) = %d (%s), want %d", tc.s.Kind, tc.s.Resources, tc.s.Parallelism, got, detail, tc.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	emu := DefaultEmulatorSettings()
	sc := Scenario{ID: "a", Kind: KindApply, Resource: ResourceBackups, Resources: 50, AccountDroplets: 50, Parallelism: 10, ActionType: "enable_backups"}
	res := ScenarioResult{Scenario: sc, Runs: map[string]*Run{
		RunNoop:     {WallSeconds: 1.5},
		RunProvider: {WallSeconds: 17, TotalRequests: 66, PeakPerMinute: 66},
		RunPeer:     {WallSeconds: 120, TotalRequests: 310, PeakPerMinute: 251, RateLimited: 10, ActionsStarted: map[string]int{"enable_backups": 50, "change_backup_policy": 50}},
	}}
	res.Runs[RunProvider].ActionsStarted = map[string]int{"enable_backups": 50}
	evaluate(&res, emu)
	// 61 requests at 200 a minute (18.3 s) weigh more than 5 waves × 3 s.
	if res.Floor != 61 || res.IdealSeconds < 19.79 || res.IdealSeconds > 19.81 {
		t.Fatalf("floor %d, ideal %.2f s; want 61 and 19.8 (61 ÷ 200 per minute + 1.5 s)", res.Floor, res.IdealSeconds)
	}
	pass := map[string]bool{}
	for _, tg := range res.Targets {
		pass[tg.Name] = tg.Pass
	}
	want := map[string]bool{
		"wall ≤ 1.1 × max(waves × action, floor ÷ budget) + no-op run": true, // 17 ≤ 1.1 × 18.3 + 1.5
		"requests ≤ 1.1 × floor":                                       true, // 66 ≤ 67.1
		"no 429s":                                                      true, // the peer's do not count
		"peak ≤ 200 per 60 s":                                          true,
		"≤ 5,000 in an hour":                                           true,
		"requests ≤ 0.35 × the official provider":                      true, // 66 / 310
	}
	for name, p := range want {
		if got, ok := pass[name]; !ok || got != p {
			t.Errorf("target %q: pass = %v (present %v), want %v", name, got, ok, p)
		}
	}
	if len(res.Targets) != len(want) {
		t.Errorf("targets %+v", res.Targets)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "started 100 actions (50 change_backup_policy, 50 enable_backups) where this provider started 50") {
		t.Errorf("notes %q", res.Notes)
	}

	// Budget-bound: 1601 requests at 200 a minute take 480 s, more than 100 waves × 3 s.
	big := Scenario{ID: "b", Kind: KindApply, Resource: ResourceBackups, Resources: 1000, AccountDroplets: 1000, Parallelism: 10, ActionType: "enable_backups"}
	res = ScenarioResult{Scenario: big, Runs: map[string]*Run{
		RunNoop:     {WallSeconds: 20},
		RunProvider: {WallSeconds: 560, TotalRequests: 1800, PeakPerMinute: 201, RateLimited: 1, MemoryMB: 250},
	}}
	evaluate(&res, emu)
	pass = map[string]bool{}
	for _, tg := range res.Targets {
		pass[tg.Name] = tg.Pass
	}
	for name, p := range map[string]bool{
		"wall ≤ 1.1 × max(waves × action, floor ÷ budget) + no-op run": false, // 560 > 1.1 × 480.3 + 20
		"requests ≤ 1.1 × floor":                                       false, // 1800 > 1761
		"no 429s":                                                      false,
		"peak ≤ 200 per 60 s":                                          false,
		"provider memory ≤ 200 MB":                                     false,
	} {
		if got, ok := pass[name]; !ok || got != p {
			t.Errorf("big: target %q: pass = %v (present %v), want %v", name, got, ok, p)
		}
	}

	failed := ScenarioResult{Scenario: Scenario{ID: "p", Kind: KindPlan, MaxRequests: 2, AccountDroplets: 1, Resources: 1},
		Runs: map[string]*Run{RunProvider: {Error: "terraform plan exited with status 1"}}}
	evaluate(&failed, emu)
	if len(failed.Targets) != 1 || failed.Targets[0].Pass {
		t.Errorf("a failed run must fail its scenario, got %+v", failed.Targets)
	}
}

// scaleReport has this provider at 50, 200 and 1000 droplets and the official one at 50 and 200.
func scaleReport() *Report {
	mk := func(id string, k Kind, n int, wall float64, reqs int, peer *Run) ScenarioResult {
		s := ScenarioResult{Scenario: Scenario{ID: id, Kind: k, Resource: ResourceBackups, Resources: n, AccountDroplets: n, Parallelism: 10},
			Runs: map[string]*Run{RunProvider: {WallSeconds: wall, TotalRequests: reqs}}}
		if peer != nil {
			s.Runs[RunPeer] = peer
		}
		return s
	}
	return &Report{Machine: Machine{Commit: "abc<1>"}, Scenarios: []ScenarioResult{
		mk("a50", KindApply, 50, 17, 66, &Run{WallSeconds: 120, TotalRequests: 310}),
		mk("d50", KindDestroy, 50, 17, 64, &Run{WallSeconds: 60, TotalRequests: 211}),
		mk("a200", KindApply, 200, 75, 250, &Run{WallSeconds: 464, TotalRequests: 1210}),
		mk("d200", KindDestroy, 200, 73, 240, &Run{WallSeconds: 253, TotalRequests: 856}),
		mk("a1000", KindApply, 1000, 500, 1650, nil),
		mk("d1000", KindDestroy, 1000, 500, 1640, nil),
	}}
}

func TestScaleProjectsThePeer(t *testing.T) {
	sc := scaleReport().Scale()
	if len(sc.Points) != 3 || sc.Points[2].Droplets != 1000 || sc.Points[2].PeerEnable != nil {
		t.Fatalf("points %+v", sc.Points)
	}
	// Through (50, 310) and (200, 1210): 6 requests per droplet.
	if sc.ProjectedAt != 1000 || sc.ProjectedEnable != 6010 {
		t.Errorf("projected enable at %d: %.0f, want 6010 at 1000", sc.ProjectedAt, sc.ProjectedEnable)
	}
	var b bytes.Buffer
	p := &printer{w: &b}
	sc.write(p)
	for _, want := range []string{"~6010 req (projected)", "0.27 req", "than the 5000 an hour"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("scale table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSVGIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := scaleReport().svg(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	dec := xml.NewDecoder(strings.NewReader(out))
	polylines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
			polylines++
		}
	}
	// Two panels: 4 measured series in the wall panel, 4 + 2 projections in the requests panel.
	if polylines != 10 {
		t.Errorf("%d lines drawn, want 10", polylines)
	}
	for _, bad := range []string{"@import", "url(", "href", "<script"} {
		if strings.Contains(out, bad) {
			t.Errorf("the chart refers to something outside itself (%q)", bad)
		}
	}
	if !strings.Contains(out, "abc&lt;1&gt;") {
		t.Error("the commit is not named, or not escaped")
	}
}

func TestRepeatState(t *testing.T) {
	tmpl := []byte(`{"version":4,"serial":3,"resources":[{"mode":"managed","type":"droplet_backups","name":"this",
"instances":[{"index_key":0,"attributes":{"droplet_id":100007,"id":"100007","hour":4,"plan":"daily"},
"identity":{"droplet_id":100007}}]}]}`)
	out, err := repeatState(tmpl, []int{100007, 100008, 100009})
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Serial    int `json:"serial"`
		Resources []struct {
			Instances []struct {
				IndexKey   int `json:"index_key"`
				Attributes struct {
					DropletID int    `json:"droplet_id"`
					ID        string `json:"id"`
					Hour      int    `json:"hour"`
				} `json:"attributes"`
				Identity struct {
					DropletID int `json:"droplet_id"`
				} `json:"identity"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	insts := st.Resources[0].Instances
	if len(insts) != 3 || st.Serial != 1 {
		t.Fatalf("%d instances, serial %d:\n%s", len(insts), st.Serial, out)
	}
	for i, in := range insts {
		id := 100007 + i
		if in.IndexKey != i || in.Attributes.DropletID != id || in.Attributes.ID != strconv.Itoa(id) ||
			in.Identity.DropletID != id || in.Attributes.Hour != 4 {
			t.Errorf("instance %d: %+v", i, in)
		}
	}
	if _, err := repeatState([]byte(`{"resources":[]}`), []int{1}); err == nil {
		t.Error("a template without the resource was accepted")
	}
}
