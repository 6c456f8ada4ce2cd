package provider_test

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// The fault suite: every test here runs through terraform against an emulator that answers a
// share of requests with 5xx, loses a share of action responses after the action began, rate
// limits, and has droplets busy with actions started outside Terraform. After every step it
// checks three things:
//
//   - the apply converged (plugin-testing also insists that the next plan is empty);
//   - the Terraform state equals what the emulator holds;
//   - the actions the emulator started through the API are exactly the ones the configurations
//     require, per droplet and per type: none doubled, none missing.

// faultSettings are the issue's fault levels: 20% 5xx, 20% lost action responses, and a
// per-minute limit below what the provider sends in a burst, so 429s really happen.
type faultSettings struct {
	FaultRate          float64
	LostResponseRate   float64
	RateLimitPerMinute int
}

var issueFaults = faultSettings{FaultRate: 0.2, LostResponseRate: 0.2, RateLimitPerMinute: 60}

// faultSeed is the emulator's random seed: DROPLET_FAULT_SEED repeats a run, otherwise a new one
// is drawn and logged. (Goroutine scheduling still varies which request draws which number.)
func faultSeed(t *testing.T) int64 {
	t.Helper()
	if s := os.Getenv("DROPLET_FAULT_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("DROPLET_FAULT_SEED=%q: %v", s, err)
		}
		return n
	}
	return time.Now().UnixNano()
}

// faultLab is one emulator with faults switched on, and the bookkeeping of which actions the
// configurations applied so far require.
type faultLab struct {
	t   *testing.T
	env *acctest.Env
	emu *emulator.Server

	mu sync.Mutex
	// want counts, per droplet and action type, the actions Terraform must have started.
	want map[int]map[string]int
	// wantImage counts the image actions (convert) Terraform must have started, by type.
	wantImage map[string]int
	// outOfBand holds the IDs of actions started behind Terraform's back (busy droplets).
	outOfBand map[int]bool
}

func newFaultLab(t *testing.T, opts ...func(*emulator.Options)) *faultLab {
	t.Helper()
	seed := faultSeed(t)
	t.Logf("emulator seed %d (set DROPLET_FAULT_SEED to repeat)", seed)
	env := acctest.NewEnv(t, append([]func(*emulator.Options){func(o *emulator.Options) { o.Seed = seed }}, opts...)...)
	env.SkipIfReal(t)
	return &faultLab{t: t, env: env, emu: env.Emulator.Server, want: map[int]map[string]int{}, wantImage: map[string]int{}, outOfBand: map[int]bool{}}
}

// setFaults switches the fault modes on (or off with the zero value), keeping action durations.
func (l *faultLab) setFaults(f faultSettings) {
	cur := l.emu.Faults()
	cur.FaultRate, cur.LostResponseRate, cur.RateLimitPerMinute = f.FaultRate, f.LostResponseRate, f.RateLimitPerMinute
	l.emu.SetFaults(cur)
}

// providerBlock configures the provider for a faulty API: more retries than the default, with
// short waits (a 429's Retry-After is honoured whatever these say).
func (l *faultLab) providerBlock() string {
	return fmt.Sprintf(`provider "droplet" {
  api_endpoint        = %q
  token               = %q
  http_retry_max      = 10
  http_retry_wait_min = 0.05
  http_retry_wait_max = 0.5
}
`, l.env.Endpoint, l.env.Token)
}

func (l *faultLab) droplets(prefix string, n int, tags ...string) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = l.env.CreateDroplet(l.t, fmt.Sprintf("%s-%d", prefix, i), tags...)
	}
	return ids
}

// expect records that applying the next configuration starts one action of each type on the droplet.
func (l *faultLab) expect(dropletID int, types ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.want[dropletID]
	if m == nil {
		m = map[string]int{}
		l.want[dropletID] = m
	}
	for _, typ := range types {
		m[typ]++
	}
}

// expectImage records that applying the next configuration starts image actions of these types.
func (l *faultLab) expectImage(types ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, typ := range types {
		l.wantImage[typ]++
	}
}

// busy starts an action on each droplet outside Terraform, so the next apply finds them locked.
func (l *faultLab) busy(actionType string, d time.Duration, dropletIDs ...int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range dropletIDs {
		a, err := l.emu.StartAction(id, actionType, d)
		if err != nil {
			l.t.Fatalf("make droplet %d busy: %v", id, err)
		}
		l.outOfBand[a.ID] = true
	}
}

// checkActions compares the actions the emulator started through the API with what the
// configurations require: per droplet from its action history, and in total from the emulator's
// counters, so a duplicate anywhere (on a droplet or an image) shows.
func (l *faultLab) checkActions() resource.TestCheckFunc {
	return func(*terraform.State) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		var problems []string
		total := maps.Clone(l.wantImage)
		ids := slices.Sorted(maps.Keys(l.want))
		for _, id := range ids {
			want := l.want[id]
			got := map[string]int{}
			var history []string
			for _, a := range l.emu.DropletActions(id) {
				if a.Type == "create" || l.outOfBand[a.ID] {
					continue
				}
				got[a.Type]++
				history = append(history, fmt.Sprintf("%d:%s:%s", a.ID, a.Type, a.Status))
			}
			for typ, n := range want {
				total[typ] += n
			}
			if !maps.Equal(nonZero(want), got) {
				problems = append(problems, fmt.Sprintf("droplet %d: started %v, want %v (history %s)",
					id, got, nonZero(want), strings.Join(history, " ")))
			}
		}
		if started := l.emu.Stats().ActionsStarted; !maps.Equal(nonZero(started), nonZero(total)) {
			problems = append(problems, fmt.Sprintf("emulator started %v through the API, configurations require %v", started, nonZero(total)))
		}
		if len(problems) > 0 {
			return fmt.Errorf("actions started are not exactly the required ones:\n  %s", strings.Join(problems, "\n  "))
		}
		return nil
	}
}

func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// logStats reports what the emulator did to the provider, so a run shows the faults were real.
func (l *faultLab) logStats(label string) emulator.Stats {
	s := l.emu.Stats()
	l.t.Logf("%s: %d requests, %d answered 5xx, %d action responses lost, %d answered 429, peak %d requests/min, actions %v",
		label, s.TotalRequests, s.Faults, s.LostResponses, s.RateLimited, s.PeakPerMinute, nonZero(s.ActionsStarted))
	return s
}

// checkNoOutOfBandAdopted fails when a droplet_action records an action Terraform did not start:
// adopting someone else's action means the configured one may never have run, or ran unrecorded.
func (l *faultLab) checkNoOutOfBandAdopted() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "droplet_action" {
				continue
			}
			a := rs.Primary.Attributes
			for i := 0; i < atoi(a["action_ids.#"]); i++ {
				if id := atoi(a[fmt.Sprintf("action_ids.%d", i)]); l.outOfBand[id] {
					return fmt.Errorf("%s records action %d, which was started outside Terraform before the apply; "+
						"the action Terraform started is %v", addr, id, l.apiActions(atoi(a[fmt.Sprintf("droplet_ids.%d", i)]), a["type"]))
				}
			}
		}
		return nil
	}
}

// apiActions lists the IDs of the actions of one type started on a droplet through the API.
func (l *faultLab) apiActions(dropletID int, typ string) []int {
	var ids []int
	for _, a := range l.emu.DropletActions(dropletID) {
		if a.Type == typ && !l.outOfBand[a.ID] {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// checkFaultsHappened fails when a fault mode the test relies on never fired: then the test
// proved nothing about it.
func (l *faultLab) checkFaultsHappened(f faultSettings) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s := l.logStats("faults so far")
		var missing []string
		if f.FaultRate > 0 && s.Faults == 0 {
			missing = append(missing, "no request was answered 5xx")
		}
		if f.LostResponseRate > 0 && s.LostResponses == 0 {
			missing = append(missing, "no action response was lost")
		}
		if f.RateLimitPerMinute > 0 && s.RateLimited == 0 {
			missing = append(missing, "no request was answered 429")
		}
		if len(missing) > 0 {
			return fmt.Errorf("the fault modes did not fire: %s", strings.Join(missing, "; "))
		}
		return nil
	}
}

// checkStateMatchesAPI compares every droplet provider object in the state with the emulator.
func (l *faultLab) checkStateMatchesAPI() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return stateMatchesEmulator(s, l.emu)
	}
}

// stateMatchesEmulator compares every droplet_backups, droplet_action and droplet_power resource
// and droplet_backups data source in the state with what the emulator holds.
func stateMatchesEmulator(s *terraform.State, emu *emulator.Server) error {
	var problems []string
	now := time.Now()
	for addr, rs := range s.RootModule().Resources {
		a := rs.Primary.Attributes
		switch rs.Type {
		case "droplet_backups":
			id := atoi(a["droplet_id"])
			rec, ok := emu.BackupPolicy(id)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: droplet %d does not exist", addr, id))
				continue
			}
			problems = append(problems, comparePolicy(addr, a, rec, now)...)
		case "droplet_action":
			problems = append(problems, compareAction(addr, a, emu)...)
		case "droplet_power":
			id := atoi(a["droplet_id"])
			d, ok := emu.Droplet(id)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: droplet %d does not exist", addr, id))
				continue
			}
			wantState := map[string]string{"active": "on", "off": "off", "archive": "off"}[d.Status]
			if a["status"] != d.Status || a["state"] != wantState || d.Locked {
				problems = append(problems, fmt.Sprintf("%s: state has status %q state %q, emulator has droplet %d %q (locked %v)",
					addr, a["status"], a["state"], id, d.Status, d.Locked))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("state differs from the API:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func comparePolicy(addr string, a map[string]string, rec emulator.PolicyRecord, now time.Time) []string {
	want := map[string]string{"enabled": strconv.FormatBool(rec.BackupEnabled)}
	if p := rec.BackupPolicy; rec.BackupEnabled && p != nil {
		want["plan"] = p.Plan
		want["weekday"] = p.Weekday
		want["hour"] = strconv.Itoa(p.Hour)
		want["window_length_hours"] = strconv.Itoa(p.WindowLengthHours)
		want["retention_period_days"] = strconv.Itoa(p.RetentionPeriodDays)
	}
	var out []string
	for _, k := range []string{"enabled", "plan", "weekday", "hour", "window_length_hours", "retention_period_days"} {
		if a[k] != want[k] {
			out = append(out, fmt.Sprintf("%s: %s = %q in state, %q in the API", addr, k, a[k], want[k]))
		}
	}
	start, end := "", ""
	if w := rec.NextBackupWindow; rec.BackupEnabled && w != nil {
		start, end = w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339)
	}
	if a["next_backup_window.start"] != start || a["next_backup_window.end"] != end {
		// The next window moves on once the recorded one has begun; that is not a difference.
		recorded, err := time.Parse(time.RFC3339, a["next_backup_window.start"])
		if err != nil || recorded.After(now) {
			out = append(out, fmt.Sprintf("%s: next_backup_window %s–%s in state, %s–%s in the API", addr,
				a["next_backup_window.start"], a["next_backup_window.end"], start, end))
		}
	}
	return out
}

func compareAction(addr string, a map[string]string, emu *emulator.Server) []string {
	var out []string
	n := atoi(a["action_ids.#"])
	if n == 0 || n != atoi(a["droplet_ids.#"]) {
		return []string{fmt.Sprintf("%s: %s action IDs for %s droplets", addr, a["action_ids.#"], a["droplet_ids.#"])}
	}
	lowest := 0
	for i := 0; i < n; i++ {
		aid := atoi(a[fmt.Sprintf("action_ids.%d", i)])
		did := atoi(a[fmt.Sprintf("droplet_ids.%d", i)])
		act, ok := emu.Action(aid)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: action %d is unknown to the API", addr, aid))
		case act.Type != a["type"] || act.ResourceID != did || act.ResourceType != "droplet" || act.Status != "completed":
			out = append(out, fmt.Sprintf("%s: state records a %s action %d on droplet %d, the API has %s %d on %s %d with status %s",
				addr, a["type"], aid, did, act.Type, act.ID, act.ResourceType, act.ResourceID, act.Status))
		}
		if lowest == 0 || aid < lowest {
			lowest = aid
		}
	}
	if a["status"] != "completed" || a["id"] != strconv.Itoa(lowest) {
		out = append(out, fmt.Sprintf("%s: id %q status %q, want id %d status completed", addr, a["id"], a["status"], lowest))
	}
	if id := a["droplet_id"]; id != "" && (n != 1 || a["droplet_ids.0"] != id) {
		out = append(out, fmt.Sprintf("%s: droplet_id %s but droplet_ids %v", addr, id, a["droplet_ids.0"]))
	}
	if tag := a["tag_name"]; tag != "" {
		var tagged []int
		for i := 0; i < n; i++ {
			did := atoi(a[fmt.Sprintf("droplet_ids.%d", i)])
			if d, ok := emu.Droplet(did); !ok || !slices.Contains(d.Tags, tag) {
				out = append(out, fmt.Sprintf("%s: droplet %d does not carry tag %q", addr, did, tag))
			}
			tagged = append(tagged, did)
		}
		if !slices.IsSorted(tagged) {
			out = append(out, fmt.Sprintf("%s: droplet_ids %v are not in ascending order", addr, tagged))
		}
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// faultConfig describes what one step of TestAccReliability_faults declares.
type faultConfig struct {
	backups  []acctest.Backups
	actions  []acctest.Action
	power    []acctest.Power
	readData int // droplet whose droplet_backups data source is read (0 = none)
}

func (c faultConfig) hcl() string {
	var b strings.Builder
	for _, d := range c.backups {
		b.WriteString(d.HCL())
	}
	for _, d := range c.actions {
		b.WriteString(d.HCL())
	}
	for _, d := range c.power {
		b.WriteString(d.HCL())
	}
	if c.readData != 0 {
		name := ""
		for _, d := range c.backups {
			if d.DropletID == c.readData {
				name = d.Label
			}
		}
		fmt.Fprintf(&b, "data \"droplet_backups\" \"read\" {\n  droplet_id = %d\n  depends_on = [droplet_backups.%s]\n}\n\n", c.readData, name)
		b.WriteString("data \"droplet_backup_policies\" \"all\" {}\n")
	}
	return b.String()
}

// TestAccReliability_faults applies, changes and destroys every resource type under 5xx
// answers, lost action responses, 429s and busy droplets, and checks after each step that the
// apply converged, the state equals the API, and exactly the required actions were started.
func TestAccReliability_faults(t *testing.T) {
	lab := newFaultLab(t)
	bk := lab.droplets("faults-backups", 6)
	ac := lab.droplets("faults-action", 5)
	tagged := lab.droplets("faults-tagged", 3, "faults-tag")
	pw := lab.droplets("faults-power", 2)

	v1 := faultConfig{
		backups: []acctest.Backups{
			{Label: "weekly", DropletID: bk[0], Plan: "weekly", Weekday: "MON", Hour: acctest.Ptr(4)},
			{Label: "daily", DropletID: bk[1], Plan: "daily", Hour: acctest.Ptr(20)},
			{Label: "hour_only", DropletID: bk[2], Hour: acctest.Ptr(0)},
			{Label: "defaults", DropletID: bk[3]},
			{Label: "to_disable", DropletID: bk[4], Plan: "weekly", Weekday: "SAT"},
			{Label: "steady", DropletID: bk[5], Plan: "daily", Hour: acctest.Ptr(12)},
		},
		actions: []acctest.Action{
			{Label: "reboot", DropletID: ac[0], Type: "reboot", Trigger: "1"},
			{Label: "power_cycle", DropletID: ac[1], Type: "power_cycle"},
			{Label: "snapshot", DropletID: ac[2], Type: "snapshot", Name: "faults-snap"},
			{Label: "rename", DropletID: ac[3], Type: "rename", Name: "faults-renamed"},
			{Label: "ipv6", DropletID: ac[4], Type: "enable_ipv6"},
			{Label: "by_tag", Tag: "faults-tag", Type: "power_cycle", Trigger: "1"},
		},
		power: []acctest.Power{
			{Label: "graceful", DropletID: pw[0], State: "off"},
			{Label: "force", DropletID: pw[1], State: "off", Shutdown: "force"},
		},
		readData: bk[0],
	}
	// Step 2 changes schedules in place, turns one droplet's backups off, re-runs two actions
	// through their triggers and powers a droplet back on.
	v2 := v1
	v2.backups = slices.Clone(v1.backups)
	v2.backups[0] = acctest.Backups{Label: "weekly", DropletID: bk[0], Plan: "daily", Hour: acctest.Ptr(8)}
	v2.backups[1] = acctest.Backups{Label: "daily", DropletID: bk[1], Plan: "weekly", Weekday: "SUN", Hour: acctest.Ptr(20)}
	v2.backups[2] = acctest.Backups{Label: "hour_only", DropletID: bk[2], Hour: acctest.Ptr(16)}
	v2.backups[4] = acctest.Backups{Label: "to_disable", DropletID: bk[4], Enabled: acctest.Ptr(false)}
	v2.actions = slices.Clone(v1.actions)
	v2.actions[0].Trigger = "2"
	v2.actions[5].Trigger = "2"
	v2.power = slices.Clone(v1.power)
	v2.power[0].State = "on"

	busyAll := func() {
		lab.busy("password_reset", 1500*time.Millisecond, bk[0], bk[2], ac[0], ac[2], tagged[1], pw[0])
	}

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() {
				lab.setFaults(issueFaults)
				busyAll()
				for _, id := range bk {
					lab.expect(id, "enable_backups")
				}
				lab.expect(ac[0], "reboot")
				lab.expect(ac[1], "power_cycle")
				lab.expect(ac[2], "snapshot")
				lab.expect(ac[3], "rename")
				lab.expect(ac[4], "enable_ipv6")
				for _, id := range tagged {
					lab.expect(id, "power_cycle")
				}
				lab.expect(pw[0], "shutdown")
				lab.expect(pw[1], "power_off")
			},
			Config: lab.providerBlock() + v1.hcl(),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkStateMatchesAPI(),
				lab.checkActions(),
				lab.checkNoOutOfBandAdopted(),
				resource.TestCheckResourceAttr("droplet_backups.weekly", "weekday", "MON"),
				resource.TestCheckResourceAttr("droplet_backups.defaults", "plan", "daily"),
				resource.TestCheckResourceAttr("droplet_action.by_tag", "droplet_ids.#", "3"),
				resource.TestCheckResourceAttr("droplet_power.graceful", "status", "off"),
			),
		},
		resource.TestStep{
			PreConfig: func() {
				lab.logStats("after step 1")
				busyAll()
				lab.expect(bk[0], "change_backup_policy")
				lab.expect(bk[1], "change_backup_policy")
				lab.expect(bk[2], "change_backup_policy")
				lab.expect(bk[4], "disable_backups")
				lab.expect(ac[0], "reboot")
				for _, id := range tagged {
					lab.expect(id, "power_cycle")
				}
				lab.expect(pw[0], "power_on")
			},
			Config: lab.providerBlock() + v2.hcl(),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkStateMatchesAPI(),
				lab.checkActions(),
				lab.checkNoOutOfBandAdopted(),
				resource.TestCheckResourceAttr("droplet_backups.weekly", "plan", "daily"),
				resource.TestCheckNoResourceAttr("droplet_backups.weekly", "weekday"),
				resource.TestCheckResourceAttr("droplet_backups.to_disable", "enabled", "false"),
				resource.TestCheckResourceAttr("data.droplet_backups.read", "plan", "daily"),
				resource.TestCheckResourceAttr("droplet_power.graceful", "status", "active"),
			),
		},
		resource.TestStep{
			// Destroy under the same faults: backups go off on every droplet still managed.
			PreConfig: func() {
				lab.logStats("after step 2")
				busyAll()
				for _, id := range bk {
					if id != bk[4] {
						lab.expect(id, "disable_backups")
					}
				}
			},
			Config: lab.providerBlock(),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				func(*terraform.State) error {
					for _, id := range bk {
						if rec, _ := lab.emu.BackupPolicy(id); rec.BackupEnabled {
							return fmt.Errorf("droplet %d still has backups after its droplet_backups was destroyed", id)
						}
					}
					return nil
				},
				lab.checkFaultsHappened(issueFaults),
			),
		},
	)
}

// With every action response lost (half of them as a dropped connection, half as a 500 sent after
// the action began), each start must be resolved by finding the action the lost request started:
// a client that posts again doubles every action. Covers droplet actions by ID and by tag,
// backups, power, and the image actions that convert backups to snapshots.
func TestAccReliability_lostResponsesNeverDoubleActions(t *testing.T) {
	lab := newFaultLab(t)
	ids := lab.droplets("lost", 3)
	tagged := lab.droplets("lost-tagged", 2, "lost-tag")
	lost := faultSettings{LostResponseRate: 1}
	body := fmt.Sprintf(`
resource "droplet_backups" "b" {
  droplet_id                  = %d
  plan                        = "weekly"
  weekday                     = "WED"
  snapshot_backups_on_disable = true
}

resource "droplet_action" "resize" {
  droplet_id = %d
  type       = "resize"
  size       = "s-2vcpu-2gb"
}

resource "droplet_action" "by_tag" {
  tag_name = "lost-tag"
  type     = "snapshot"
}

resource "droplet_power" "p" {
  droplet_id = %d
  state      = "off"
  shutdown   = "force"
}
`, ids[0], ids[1], ids[2])

	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() {
				lab.setFaults(lost)
				lab.expect(ids[0], "enable_backups")
				lab.expect(ids[1], "resize")
				lab.expect(tagged[0], "snapshot")
				lab.expect(tagged[1], "snapshot")
				lab.expect(ids[2], "power_off")
			},
			Config: lab.providerBlock() + body,
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkStateMatchesAPI(),
				lab.checkActions(),
				lab.checkNoOutOfBandAdopted(),
			),
		},
		resource.TestStep{
			// Destroying converts the droplet's two backups (image actions, also lossy) and
			// then turns backups off.
			PreConfig: func() {
				for range 2 {
					if _, err := lab.emu.TakeBackup(ids[0]); err != nil {
						t.Fatal(err)
					}
				}
				lab.expectImage("convert", "convert")
				lab.expect(ids[0], "disable_backups")
			},
			Config: lab.providerBlock(),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				lab.checkFaultsHappened(lost),
			),
		},
	)
}

// A droplet busy with an action of the same type, started outside Terraform just before the apply,
// must be waited for, not adopted: the configured change has to run after it. With the response to
// Terraform's own start lost, the two actions differ only in when they began; adopting the outside
// one makes the apply read the policy before its own change has completed.
func TestAccReliability_busyWithSameTypeIsWaitedFor(t *testing.T) {
	lab := newFaultLab(t, slowActions(time.Second, "change_backup_policy"))
	id := lab.env.CreateDroplet(t, "busy-same-type")
	if err := lab.emu.SetBackupPolicy(id, true, emulator.PolicySpec{Plan: "daily", Hour: acctest.Ptr(4)}); err != nil {
		t.Fatal(err)
	}
	acctest.ParallelTest(t, resource.TestStep{
		PreConfig: func() {
			lab.setFaults(faultSettings{LostResponseRate: 1})
			lab.busy("change_backup_policy", time.Second, id)
			lab.expect(id, "change_backup_policy")
		},
		Config: lab.providerBlock() + fmt.Sprintf(`
resource "droplet_backups" "b" {
  droplet_id = %d
  plan       = "weekly"
  weekday    = "SAT"
  hour       = 16
}
`, id),
		Check: resource.ComposeAggregateTestCheckFunc(
			lab.checkActions(),
			lab.checkStateMatchesAPI(),
			resource.TestCheckResourceAttr("droplet_backups.b", "weekday", "SAT"),
		),
	})
}

// A droplet kept busy by a chain of actions started outside Terraform: every start meets
// "pending event" until the chain ends, then runs once.
func TestAccReliability_busyDropletWaitsThenStartsOnce(t *testing.T) {
	lab := newFaultLab(t)
	ids := lab.droplets("busy-chain", 3)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(stop); wg.Wait() })
	// Each droplet gets a new out-of-band action the moment the previous one ends, four times.
	keepBusy := func(id int) {
		defer wg.Done()
		for range 4 {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if a, err := lab.emu.StartAction(id, "enable_ipv6", 400*time.Millisecond); err == nil {
					lab.mu.Lock()
					lab.outOfBand[a.ID] = true
					lab.mu.Unlock()
					break
				}
				time.Sleep(20 * time.Millisecond) // polls the emulator's lock; not a timing assumption
			}
		}
	}
	acctest.ParallelTest(t, resource.TestStep{
		PreConfig: func() {
			for _, id := range ids {
				lab.busy("enable_ipv6", 400*time.Millisecond, id)
				wg.Add(1)
				go keepBusy(id)
			}
			lab.expect(ids[0], "enable_backups")
			lab.expect(ids[1], "snapshot")
			lab.expect(ids[2], "power_off")
		},
		Config: lab.providerBlock() + fmt.Sprintf(`
resource "droplet_backups" "b" {
  droplet_id = %d
}

resource "droplet_action" "snap" {
  droplet_id = %d
  type       = "snapshot"
}

resource "droplet_power" "off" {
  droplet_id = %d
  state      = "off"
  shutdown   = "force"
}
`, ids[0], ids[1], ids[2]),
		Check: resource.ComposeAggregateTestCheckFunc(
			lab.checkActions(),
			lab.checkNoOutOfBandAdopted(),
			lab.checkStateMatchesAPI(),
			func(*terraform.State) error {
				if n := lab.emu.Stats().Requests["POST /v2/droplets/{id}/actions"]; n < 4 {
					return fmt.Errorf("only %d action POSTs: the droplets were never found busy, the test proved nothing", n)
				}
				return nil
			},
		),
	})
}

// slowActions makes the given action types take d, so a short resource timeout ends the wait
// while the action is still running.
func slowActions(d time.Duration, types ...string) func(*emulator.Options) {
	return func(o *emulator.Options) {
		if o.ActionDurations == nil {
			o.ActionDurations = map[string]time.Duration{}
		}
		for _, typ := range types {
			o.ActionDurations[typ] = d
		}
	}
}

// After a timeout the action keeps running on DigitalOcean. The next apply must continue from
// there: adopt the running action and wait for it, never start a second one. One resource per
// type: droplet_action (nothing saved after the failure), droplet_backups (create: nothing saved)
// and droplet_power.
func TestAccReliability_timeoutThenNextApplyAdopts(t *testing.T) {
	lab := newFaultLab(t, slowActions(6*time.Second, "reboot", "enable_backups", "power_off"))
	ids := lab.droplets("timeout-adopt", 3)
	body := func(timeout string) string {
		return fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %[1]d
  type       = "reboot"
  timeouts = {
    create = %[4]q
  }
}

resource "droplet_backups" "b" {
  droplet_id = %[2]d
  plan       = "daily"
  hour       = 4
  timeouts = {
    create = %[4]q
  }
}

resource "droplet_power" "p" {
  droplet_id = %[3]d
  state      = "off"
  shutdown   = "force"
  timeouts = {
    create = %[4]q
  }
}
`, ids[0], ids[1], ids[2], timeout)
	}
	var firstReboot int
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() {
				lab.expect(ids[0], "reboot")
				lab.expect(ids[1], "enable_backups")
				lab.expect(ids[2], "power_off")
			},
			Config:      lab.providerBlock() + body("1s"),
			ExpectError: regexp.MustCompile(`(?s)Timed out waiting for droplet action reboot.*timed out waiting for enable_backups action.*timed out waiting for power_off action|(?s)Timed out`),
		},
		resource.TestStep{
			PreConfig: func() {
				// The actions the failed apply started are still running: that is the point.
				for i, typ := range []string{"reboot", "enable_backups", "power_off"} {
					as := lab.apiActions(ids[i], typ)
					if len(as) != 1 {
						t.Fatalf("droplet %d: %d %s actions after the timed-out apply, want 1", ids[i], len(as), typ)
					}
					if a, _ := lab.emu.Action(as[0]); a.Status != "in-progress" {
						t.Fatalf("droplet %d: %s action %d is %s already; the next apply would prove nothing", ids[i], typ, a.ID, a.Status)
					}
				}
				firstReboot = lab.apiActions(ids[0], "reboot")[0]
			},
			Config: lab.providerBlock() + body("2m"),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				lab.checkStateMatchesAPI(),
				func(s *terraform.State) error {
					return resource.TestCheckResourceAttr("droplet_action.reboot", "id", strconv.Itoa(firstReboot))(s)
				},
			),
		},
	)
}

// RateLimit-Remaining reaching 0 means no request until RateLimit-Reset: the provider must hold
// back by itself (no 429 provoked) and, when the reset lies beyond the resource's deadline, fail at
// once saying so rather than wait.
func TestAccReliability_hourlyLimitHeldBackAndReported(t *testing.T) {
	lab := newFaultLab(t, func(o *emulator.Options) { o.RateLimitPerHour = 5 })
	id := lab.env.CreateDroplet(t, "hourly-limit")
	// Another client of the account used all but one request of the hour.
	for range 4 {
		lab.env.Droplet(t, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: lab.providerBlock() + fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
  timeouts = {
    create = "30s"
  }
}
`, id),
			ExpectError: regexp.MustCompile(`(?s)Cannot run droplet action reboot on droplet \d+.*RateLimit-Remaining 0\)?:.*after[\s│]+the[\s│]+deadline`),
		}, {
			PreConfig: func() {
				s := lab.emu.Stats()
				if s.RateLimited != 0 {
					t.Errorf("the provider provoked %d 429s instead of honouring RateLimit-Remaining: 0", s.RateLimited)
				}
				if n := s.ActionsStarted["reboot"]; n != 0 {
					t.Errorf("%d reboots started", n)
				}
			},
			Config:   lab.providerBlock(),
			PlanOnly: true,
		}},
	})
}

// droplet_backups after a timeout in update and in destroy: the change (or the disable) keeps
// running on DigitalOcean, and the next apply or destroy must adopt it, not send a second one.
func TestAccReliability_backupsUpdateTimeoutThenAdopt(t *testing.T) {
	lab := newFaultLab(t, slowActions(6*time.Second, "change_backup_policy"))
	id := lab.env.CreateDroplet(t, "backups-update-timeout")
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() { lab.expect(id, "enable_backups") },
			Config:    lab.backupsTimeoutConfig(id, "weekly", "1s"),
			Check:     resource.ComposeAggregateTestCheckFunc(lab.checkActions(), lab.checkStateMatchesAPI()),
		},
		resource.TestStep{
			PreConfig:   func() { lab.expect(id, "change_backup_policy") },
			Config:      lab.backupsTimeoutConfig(id, "daily", "1s"),
			ExpectError: regexp.MustCompile(`Cannot change the backup policy of droplet`),
		},
		resource.TestStep{
			PreConfig: lab.checkStillRunning(id, "change_backup_policy"),
			Config:    lab.backupsTimeoutConfig(id, "daily", "2m"),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				lab.checkStateMatchesAPI(),
				resource.TestCheckResourceAttr("droplet_backups.b", "plan", "daily"),
			),
		},
	)
}

func TestAccReliability_backupsDestroyTimeoutThenAdopt(t *testing.T) {
	lab := newFaultLab(t, slowActions(10*time.Second, "disable_backups"))
	id := lab.env.CreateDroplet(t, "backups-destroy-timeout")
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig: func() { lab.expect(id, "enable_backups") },
			Config:    lab.backupsTimeoutConfig(id, "weekly", "1s"),
			Check:     resource.ComposeAggregateTestCheckFunc(lab.checkActions(), lab.checkStateMatchesAPI()),
		},
		resource.TestStep{
			PreConfig:   func() { lab.expect(id, "disable_backups") },
			Config:      lab.providerBlock(),
			ExpectError: regexp.MustCompile(`Cannot disable backups on droplet`),
		},
		resource.TestStep{
			// The resource is still in the state; only its delete timeout grows (no request).
			PreConfig: lab.checkStillRunning(id, "disable_backups"),
			Config:    lab.backupsTimeoutConfig(id, "weekly", "2m"),
		},
		resource.TestStep{
			PreConfig: lab.checkStillRunning(id, "disable_backups"),
			Config:    lab.providerBlock(),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				func(*terraform.State) error {
					if rec, _ := lab.emu.BackupPolicy(id); rec.BackupEnabled {
						return fmt.Errorf("droplet %d still has backups", id)
					}
					return nil
				},
			),
		},
	)
}

func (l *faultLab) backupsTimeoutConfig(dropletID int, plan, timeout string) string {
	return l.providerBlock() + fmt.Sprintf(`
resource "droplet_backups" "b" {
  droplet_id = %d
  plan       = %q
  hour       = 8
  timeouts = {
    update = %[3]q
    delete = %[3]q
  }
}
`, dropletID, plan, timeout)
}

// checkStillRunning makes sure the action a timed-out run started is still in progress, so the
// next run really has something to adopt.
func (l *faultLab) checkStillRunning(dropletID int, typ string) func() {
	return func() {
		as := l.apiActions(dropletID, typ)
		if len(as) != 1 {
			l.t.Fatalf("%d %s actions after the timed-out run, want 1", len(as), typ)
		}
		if a, _ := l.emu.Action(as[0]); a.Status != "in-progress" {
			l.t.Fatalf("%s action %d is already %s; the next run would prove nothing", typ, a.ID, a.Status)
		}
	}
}

// DigitalOcean's clock and the machine running Terraform never agree exactly, and API timestamps
// have whole seconds. With the API's clock a few seconds ahead, the action an interrupted apply
// left running must still be adopted by the next apply, not doubled. (The same happens without
// any skew when the next apply starts within the same second as the action.)
func TestAccReliability_adoptDespiteServerClockAhead(t *testing.T) {
	lab := newFaultLab(t, slowActions(15*time.Second, "reboot"), func(o *emulator.Options) {
		o.Now = func() time.Time { return time.Now().Add(5 * time.Second) }
	})
	id := lab.env.CreateDroplet(t, "clock-ahead")
	config := func(timeout string) string {
		return lab.providerBlock() + fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
  timeouts = {
    create = %q
  }
}
`, id, timeout)
	}
	acctest.ParallelTest(t,
		resource.TestStep{
			PreConfig:   func() { lab.expect(id, "reboot") },
			Config:      config("1s"),
			ExpectError: regexp.MustCompile(`Timed out waiting for droplet action reboot`),
		},
		resource.TestStep{
			PreConfig: lab.checkStillRunning(id, "reboot"),
			Config:    config("2m"),
			Check: resource.ComposeAggregateTestCheckFunc(
				lab.checkActions(),
				lab.checkStateMatchesAPI(),
			),
		},
	)
}
