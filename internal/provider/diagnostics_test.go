package provider_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// These tests check the exact text a user reads when something goes wrong: terraform runs the
// provider built as a binary, its output is taken as a terminal shows it (colours and box
// characters included), and each diagnostic is compared sentence by sentence with what this file
// says it must be. Only line wrapping, box characters and request IDs are ignored.

// shownDiagnostic is one diagnostic as terraform printed it.
type shownDiagnostic struct {
	Severity string // "Error" or "Warning"
	Summary  string
	Address  string // "droplet_action.r" from the "with …," line; empty without one
	Detail   string // normalised: paragraphs separated by one blank line, wrapped lines joined
}

func (d shownDiagnostic) String() string {
	return fmt.Sprintf("%s: %s\n  with %s\n%s", d.Severity, d.Summary, d.Address, indent(d.Detail))
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

var (
	ansiEscape  = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	requestID   = regexp.MustCompile(`\(request ID [0-9a-fA-F-]+\)`)
	withLine    = regexp.MustCompile(`^\s+with ([^,\s]+),$`)
	onLine      = regexp.MustCompile(`^\s+on \S+ line \d+`)
	diagHeading = regexp.MustCompile(`^(Error|Warning): (.*)$`)
)

// parseDiagnostics reads terraform's human output: strips colours and the ╷ │ ╵ frame, then
// splits it into diagnostics.
func parseDiagnostics(out string) []shownDiagnostic {
	var lines []string
	for _, l := range strings.Split(ansiEscape.ReplaceAllString(out, ""), "\n") {
		l = strings.TrimRight(l, " \r")
		switch {
		case strings.HasPrefix(l, "╷"), strings.HasPrefix(l, "╵"):
			l = "\x00" // frame: ends whatever diagnostic is open
		case strings.HasPrefix(l, "│"):
			l = strings.TrimPrefix(strings.TrimPrefix(l, "│"), " ")
		}
		lines = append(lines, l)
	}
	var diags []shownDiagnostic
	for i := 0; i < len(lines); i++ {
		m := diagHeading.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		d := shownDiagnostic{Severity: m[1], Summary: strings.TrimSpace(m[2])}
		j := i + 1
		for j < len(lines) && lines[j] == "" {
			j++
		}
		if j < len(lines) {
			if w := withLine.FindStringSubmatch(lines[j]); w != nil {
				d.Address = w[1]
				j++
			}
			if j < len(lines) && onLine.MatchString(lines[j]) {
				// The source snippet runs until the next blank line.
				for j < len(lines) && lines[j] != "" && lines[j] != "\x00" {
					j++
				}
			}
		}
		var body []string
		for ; j < len(lines) && lines[j] != "\x00" && !diagHeading.MatchString(lines[j]); j++ {
			body = append(body, lines[j])
		}
		d.Detail = normaliseDetail(strings.Join(body, "\n"))
		diags = append(diags, d)
		i = j - 1
	}
	return diags
}

// normaliseDetail undoes terraform's wrapping: the lines of a paragraph are joined with one space,
// paragraphs are separated by one blank line, and request IDs (which differ per run) are replaced.
func normaliseDetail(s string) string {
	var paras []string
	for _, p := range regexp.MustCompile(`\n\s*\n`).Split(strings.TrimSpace(s), -1) {
		p = strings.Join(strings.Fields(p), " ")
		if p != "" {
			paras = append(paras, p)
		}
	}
	return requestID.ReplaceAllString(strings.Join(paras, "\n\n"), "(request ID …)")
}

// expectDiagnostics compares the error diagnostics in out with want, by address, exactly.
func expectDiagnostics(t *testing.T, out string, want ...shownDiagnostic) {
	t.Helper()
	var got []shownDiagnostic
	for _, d := range parseDiagnostics(out) {
		if d.Severity == "Error" && !terraformHalted(d) {
			got = append(got, d)
		}
	}
	byAddr := func(ds []shownDiagnostic) {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Address < ds[j].Address })
	}
	byAddr(got)
	byAddr(want)
	for i := range want {
		want[i].Severity = "Error"
		want[i].Detail = normaliseDetail(want[i].Detail)
	}
	if len(got) != len(want) {
		t.Errorf("terraform showed %d error diagnostics, want %d:\n%s", len(got), len(want), out)
	}
	for i := 0; i < min(len(got), len(want)); i++ {
		if got[i] != want[i] {
			t.Errorf("diagnostic %d differs.\n--- shown:\n%s\n--- want:\n%s", i+1, got[i], want[i])
		}
	}
}

// terraformHalted reports Terraform's own "execution halted", shown when an apply is interrupted.
func terraformHalted(d shownDiagnostic) bool {
	return d.Summary == "execution halted" && d.Address == "" && d.Detail == ""
}

// cliFails runs terraform and returns its output (as a terminal would show it), failing the test
// if terraform succeeded or if the output holds the token.
func cliFails(t *testing.T, w *cliWorkspace, env *acctest.Env, args ...string) string {
	t.Helper()
	out, err := cliRun(w, args...)
	if err == nil {
		t.Fatalf("terraform %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	checkNoToken(t, out, env.Token)
	return out
}

func cliRun(w *cliWorkspace, args ...string) (string, error) {
	cmd := exec.Command(w.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func checkNoToken(t *testing.T, out string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if tok != "" && strings.Contains(out, tok) {
			t.Errorf("terraform's output contains the API token")
		}
	}
}

// An action that ends errored: the user learns which action on which droplet, and what to do.
func TestAccDiagnostics_erroredAction(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	emu := env.Emulator.Server
	rebootID := env.CreateDroplet(t, "errored-reboot")
	backupsID := env.CreateDroplet(t, "errored-backups")
	tagged := []int{env.CreateDroplet(t, "errored-tag-a", "errored"), env.CreateDroplet(t, "errored-tag-b", "errored")}
	emu.FailNextAction(rebootID, "reboot")
	emu.FailNextAction(backupsID, "enable_backups")
	emu.FailNextAction(tagged[1], "power_cycle")

	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
}

resource "droplet_backups" "b" {
  droplet_id = %d
}

resource "droplet_action" "by_tag" {
  tag_name = "errored"
  type     = "power_cycle"
}
`, rebootID, backupsID)))
	out := cliFails(t, w, env, "apply", "-auto-approve")

	action := func(dropletID int, typ string) int {
		for _, a := range emu.DropletActions(dropletID) {
			if a.Type == typ {
				return a.ID
			}
		}
		t.Fatalf("droplet %d has no %s action", dropletID, typ)
		return 0
	}
	const erroredAdvice = "DigitalOcean gives no reason for an errored action; look at the droplet's history in " +
		"the control panel, fix the cause (for example a size or image that does not fit the droplet), and apply " +
		"again. Nothing was saved in state, so the next apply runs the action again."
	expectDiagnostics(t, out,
		shownDiagnostic{
			Address: "droplet_action.reboot",
			Summary: fmt.Sprintf("Droplet action reboot failed on droplet %d", rebootID),
			Detail:  fmt.Sprintf("droplet %d: action %d (reboot) errored.\n\n%s", rebootID, action(rebootID, "reboot"), erroredAdvice),
		},
		shownDiagnostic{
			Address: "droplet_backups.b",
			Summary: fmt.Sprintf("Cannot enable backups on droplet %d", backupsID),
			Detail: fmt.Sprintf("enable_backups action %d on droplet %d ended with status \"errored\"\n\n"+
				"DigitalOcean reported the action as errored. Look at the droplet's history in the control panel "+
				"for the cause, fix it, and apply again: the action is not recorded in state, so the next apply "+
				"runs it again.", action(backupsID, "enable_backups"), backupsID),
		},
		shownDiagnostic{
			Address: "droplet_action.by_tag",
			Summary: `Droplet action power_cycle failed on 1 of 2 droplets tagged "errored"`,
			Detail: fmt.Sprintf("- droplet %d: action %d (power_cycle) completed\n- droplet %d: action %d (power_cycle) errored\n\n%s",
				tagged[0], action(tagged[0], "power_cycle"), tagged[1], action(tagged[1], "power_cycle"), erroredAdvice),
		},
	)
}

// A token DigitalOcean rejects: every resource says the token was refused and where to fix it,
// and the token itself appears nowhere.
func TestAccDiagnostics_unauthorized(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "unauthorized")
	badToken := acctest.RandomToken()
	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + fmt.Sprintf(`
provider "droplet" {
  api_endpoint = %q
  token        = %q
}

resource "droplet_backups" "b" {
  droplet_id = %d
}

resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
}
`, env.Endpoint, badToken, id, id))
	out := cliFails(t, w, env, "apply", "-auto-approve")
	checkNoToken(t, out, badToken)

	const hint = "DigitalOcean did not accept the API token (401). Check the provider's `token` argument or the " +
		"DIGITALOCEAN_TOKEN environment variable, and that the token has not expired or been revoked."
	const refused = "401 Unauthorized: Unable to authenticate you. (request ID …)"
	expectDiagnostics(t, out,
		shownDiagnostic{
			Address: "droplet_backups.b",
			Summary: fmt.Sprintf("Cannot read the backup policy of droplet %d", id),
			Detail: fmt.Sprintf("reading backup policy of droplet %d: DigitalOcean API GET /v2/droplets/%d/backups/policy: %s\n\n%s",
				id, id, refused, hint),
		},
		shownDiagnostic{
			Address: "droplet_action.reboot",
			Summary: fmt.Sprintf("Cannot run droplet action reboot on droplet %d", id),
			Detail: fmt.Sprintf("checking droplet %d for a reboot action still in progress: listing actions of droplet %d: "+
				"DigitalOcean API GET /v2/droplets/%d/actions: %s\n\n%s", id, id, id, refused, hint),
		},
	)
	if n := len(env.Actions(t, id)); n != 0 {
		t.Errorf("%d actions ran with a rejected token", n)
	}
}

// A droplet that does not exist: the resources and the data source name it and say what to check.
func TestAccDiagnostics_notFound(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	gone := env.CreateDroplet(t, "gone")
	env.Emulator.Server.DeleteDroplet(gone)
	const hint = "DigitalOcean does not know this object (404). Check the ID; the droplet or image may have been " +
		"destroyed outside Terraform."
	const missing = "404 Not Found: The resource you requested could not be found. (request ID …)"

	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_backups" "b" {
  droplet_id = %[1]d
}

resource "droplet_action" "reboot" {
  droplet_id = %[1]d
  type       = "reboot"
}

resource "droplet_power" "p" {
  droplet_id = %[1]d
  state      = "off"
}
`, gone)))
	out := cliFails(t, w, env, "apply", "-auto-approve")
	expectDiagnostics(t, out,
		shownDiagnostic{
			Address: "droplet_backups.b",
			Summary: fmt.Sprintf("Cannot read the backup policy of droplet %d", gone),
			Detail: fmt.Sprintf("reading backup policy of droplet %d: DigitalOcean API GET /v2/droplets/%d/backups/policy: %s\n\n%s",
				gone, gone, missing, hint),
		},
		shownDiagnostic{
			Address: "droplet_action.reboot",
			Summary: fmt.Sprintf("Cannot run droplet action reboot on droplet %d", gone),
			Detail: fmt.Sprintf("checking droplet %d for a reboot action still in progress: listing actions of droplet %d: "+
				"DigitalOcean API GET /v2/droplets/%d/actions: %s\n\n%s", gone, gone, gone, missing, hint),
		},
		shownDiagnostic{
			Address: "droplet_power.p",
			Summary: fmt.Sprintf("Cannot read droplet %d before powering it off", gone),
			Detail: fmt.Sprintf("reading droplet %d: DigitalOcean API GET /v2/droplets/%d: %s\n\n%s",
				gone, gone, missing, hint),
		},
	)

	// The data source fails the plan.
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
data "droplet_backups" "d" {
  droplet_id = %d
}
`, gone)))
	out = cliFails(t, w, env, "plan")
	expectDiagnostics(t, out, shownDiagnostic{
		Address: "data.droplet_backups.d",
		Summary: fmt.Sprintf("Cannot read the backup policy of droplet %d", gone),
		Detail: fmt.Sprintf("reading backup policy of droplet %d: DigitalOcean API GET /v2/droplets/%d/backups/policy: %s\n\n%s",
			gone, gone, missing, hint),
	})
}

// A wait cut short by the resource's timeout names the droplet, the action and its last status,
// and ends while the action is still running (not when it completes).
func TestAccDiagnostics_timeout(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, slowActions(time.Minute, "reboot", "enable_backups", "power_off"))
	env.SkipIfReal(t)
	emu := env.Emulator.Server
	ids := []int{env.CreateDroplet(t, "timeout-action"), env.CreateDroplet(t, "timeout-backups"), env.CreateDroplet(t, "timeout-power")}
	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
  timeouts = {
    create = "1s"
  }
}

resource "droplet_backups" "b" {
  droplet_id = %d
  timeouts = {
    create = "1s"
  }
}

resource "droplet_power" "p" {
  droplet_id = %d
  state      = "off"
  shutdown   = "force"
  timeouts = {
    create = "1s"
  }
}
`, ids[0], ids[1], ids[2])))
	out := cliFails(t, w, env, "apply", "-auto-approve")

	running := func(dropletID int, typ string) int {
		for _, a := range emu.DropletActions(dropletID) {
			if a.Type == typ {
				if a.Status != "in-progress" {
					t.Errorf("droplet %d: %s action %d is %s; the wait should have ended before it did", dropletID, typ, a.ID, a.Status)
				}
				return a.ID
			}
		}
		t.Fatalf("droplet %d has no %s action", dropletID, typ)
		return 0
	}
	const waitHint = "The wait ended before DigitalOcean finished the action. It may still complete; the next apply " +
		"reads the real state and adopts an action that is still running instead of starting a second one. Raise " +
		"the resource's `timeouts` if this action normally takes longer."
	expectDiagnostics(t, out,
		shownDiagnostic{
			Address: "droplet_action.reboot",
			Summary: fmt.Sprintf("Timed out waiting for droplet action reboot on droplet %d", ids[0]),
			Detail: fmt.Sprintf("droplet %d: action %d (reboot) in-progress, still running when timeouts.create (1s) ran out.\n\n"+
				"DigitalOcean keeps running the action. Nothing was saved in state; the next apply adopts the action "+
				"still in progress instead of starting a second reboot, and waits for it (if it has completed by then, "+
				"the next apply runs the action again). Raise timeouts.create if this action normally takes longer.",
				ids[0], running(ids[0], "reboot")),
		},
		shownDiagnostic{
			Address: "droplet_backups.b",
			Summary: fmt.Sprintf("Cannot enable backups on droplet %d", ids[1]),
			Detail: fmt.Sprintf("timed out waiting for enable_backups action %d on droplet %d; last status \"in-progress\" "+
				"(the action may still finish on DigitalOcean)\n\n%s", running(ids[1], "enable_backups"), ids[1], waitHint),
		},
		shownDiagnostic{
			Address: "droplet_power.p",
			Summary: fmt.Sprintf("Cannot power off droplet %d", ids[2]),
			Detail: fmt.Sprintf("timed out waiting for power_off action %d on droplet %d; last status \"in-progress\" "+
				"(the action may still finish on DigitalOcean)\n\n%s", running(ids[2], "power_off"), ids[2], waitHint),
		},
	)
}

// Ctrl-C during a wait: terraform stops the provider, the wait ends at once with a diagnostic that
// names the droplet, the action and its status, and the next apply adopts the action that is still
// running instead of starting another.
func TestAccDiagnostics_interrupted(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, slowActions(10*time.Second, "reboot"))
	env.SkipIfReal(t)
	emu := env.Emulator.Server
	id := env.CreateDroplet(t, "interrupted")
	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
}
`, id)))

	cmd := exec.Command(w.terraform, "apply", "-auto-approve")
	cmd.Dir = w.dir
	cmd.Env = w.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reboot := waitForAction(t, emu, id, "reboot")
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	t.Logf("terraform exited %v after Ctrl-C", time.Since(sent).Round(10*time.Millisecond))
	out := buf.String()
	checkNoToken(t, out, env.Token)
	if err == nil {
		t.Fatalf("the interrupted apply succeeded:\n%s", out)
	}
	if a, _ := emu.Action(reboot.ID); a.Status != "in-progress" {
		t.Errorf("reboot action %d is %s: terraform only returned once the action ended, not at Ctrl-C", a.ID, a.Status)
	}
	expectDiagnostics(t, out, shownDiagnostic{
		Address: "droplet_action.reboot",
		Summary: fmt.Sprintf("Interrupted while waiting for droplet action reboot on droplet %d", id),
		Detail: fmt.Sprintf("droplet %d: action %d (reboot) in-progress, still running when the apply was interrupted.\n\n"+
			"DigitalOcean keeps running the action. Nothing was saved in state; the next apply adopts the action "+
			"still in progress instead of starting a second reboot, and waits for it (if it has completed by then, "+
			"the next apply runs the action again). Raise timeouts.create if this action normally takes longer.",
			id, reboot.ID),
	})

	// The next apply continues from the real state. It starts in a later second than the action:
	// an apply within the same second is TestAccReliability_adoptDespiteServerClockAhead's case.
	for !time.Now().Truncate(time.Second).After(reboot.StartedAt) {
		time.Sleep(20 * time.Millisecond) // waits for the clock to pass a second boundary
	}
	out, err = cliRun(w, "apply", "-auto-approve")
	if err != nil {
		t.Fatalf("apply after the interruption: %v\n%s", err, out)
	}
	var reboots []int
	for _, a := range emu.DropletActions(id) {
		if a.Type == "reboot" {
			reboots = append(reboots, a.ID)
		}
	}
	if len(reboots) != 1 || emu.Stats().ActionsStarted["reboot"] != 1 {
		t.Errorf("droplet %d has reboot actions %v (%d started through the API), want only the interrupted %d, adopted",
			id, reboots, emu.Stats().ActionsStarted["reboot"], reboot.ID)
	}
	show, err := cliRun(w, "state", "show", "-no-color", "droplet_action.reboot")
	if err != nil {
		t.Fatalf("state show: %v\n%s", err, show)
	}
	if !strings.Contains(show, fmt.Sprintf(`id           = "%d"`, reboot.ID)) {
		t.Errorf("the state does not record the adopted reboot %d:\n%s", reboot.ID, show)
	}
}

// waitForAction waits until an action of the type has been started on the droplet.
func waitForAction(t *testing.T, emu *emulator.Server, dropletID int, typ string) emulator.Action {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, a := range emu.DropletActions(dropletID) {
			if a.Type == typ {
				return a
			}
		}
		time.Sleep(20 * time.Millisecond) // polls for a condition
	}
	t.Fatalf("no %s action was started on droplet %d", typ, dropletID)
	return emulator.Action{}
}

// A rate limit whose Retry-After lies beyond the resource's deadline: the provider says so at once
// instead of sleeping into the deadline, and nothing was started.
func TestAccDiagnostics_rateLimitBeyondDeadline(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, func(o *emulator.Options) { o.RateLimitPerMinute = 3 })
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "rate-limited")
	// Use up the minute's requests with the same token, as another tool sharing it would.
	for range 3 {
		env.Droplet(t, id)
	}
	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
  timeouts = {
    create = "5s"
  }
}
`, id)))
	out := cliFails(t, w, env, "apply", "-auto-approve")
	diags := parseDiagnostics(out)
	if len(diags) == 0 {
		t.Fatalf("no diagnostic:\n%s", out)
	}
	var d shownDiagnostic
	for _, x := range diags {
		if x.Severity == "Error" {
			d = x
		}
	}
	want := regexp.MustCompile(`^checking droplet \d+ for a reboot action still in progress: listing actions of droplet \d+: ` +
		`DigitalOcean rate limit \(429 Too Many Requests\): the next request could be sent in (?:[0-9]+h)?(?:[0-9]+m)?[0-9.]+m?s, which is after the deadline\n\n` +
		regexp.QuoteMeta("DigitalOcean's rate limit for this token is exhausted (250 requests per minute, 5,000 per hour, shared "+
			"with everything else that uses the token). Wait and apply again, or lower `requests_per_second`.") + `$`)
	if d.Summary != fmt.Sprintf("Cannot run droplet action reboot on droplet %d", id) || !want.MatchString(d.Detail) {
		t.Errorf("diagnostic:\n%s\nwant summary %q and detail matching\n%s", d, fmt.Sprintf("Cannot run droplet action reboot on droplet %d", id), want)
	}
	if n := env.Emulator.Server.Stats().ActionsStarted["reboot"]; n != 0 {
		t.Errorf("%d reboots started", n)
	}
	if env.Emulator.Server.Stats().RateLimited == 0 {
		t.Errorf("the emulator sent no 429: the test proved nothing")
	}
}

// A request DigitalOcean refuses: 422 for a parameter it rejects, 403 for a token without the
// scope the action needs (the emulator knows no scopes, so a proxy in front of it answers 403 for
// action starts).
func TestAccDiagnostics_forbiddenAndInvalid(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	id := env.CreateDroplet(t, "refused")
	startAction := regexp.MustCompile(`^/v2/droplets/\d+/actions$`)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && startAction.MatchString(r.URL.Path) && strings.Contains(r.Header.Get("User-Agent"), "terraform-provider-droplet") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = fmt.Fprint(w, `{"id":"forbidden","message":"You do not have access for the attempted action.","request_id":"4f1c2a9e-0000-4000-8000-000000000403"}`)
			return
		}
		env.Emulator.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	w := newCLIWorkspace(t)
	w.write(cliProviderHeader + env.Config(fmt.Sprintf(`
resource "droplet_action" "resize" {
  droplet_id = %d
  type       = "resize"
  size       = "s-99vcpu-1tb"
}
`, id)))
	out := cliFails(t, w, env, "apply", "-auto-approve")
	expectDiagnostics(t, out, shownDiagnostic{
		Address: "droplet_action.resize",
		Summary: fmt.Sprintf("Cannot run droplet action resize on droplet %d", id),
		Detail: fmt.Sprintf("starting resize action on droplet %d: DigitalOcean API POST /v2/droplets/%d/actions: "+
			"422 Unprocessable Entity: Size \"s-99vcpu-1tb\" is not a valid size. (request ID …)\n\n"+
			"DigitalOcean rejected the request's parameters (422). Check the arguments against the provider documentation.", id, id),
	})

	w.write(cliProviderHeader + fmt.Sprintf(`
provider "droplet" {
  api_endpoint = %q
  token        = %q
}

resource "droplet_action" "reboot" {
  droplet_id = %d
  type       = "reboot"
}
`, proxy.URL, env.Token, id))
	out = cliFails(t, w, env, "apply", "-auto-approve")
	expectDiagnostics(t, out, shownDiagnostic{
		Address: "droplet_action.reboot",
		Summary: fmt.Sprintf("Cannot run droplet action reboot on droplet %d", id),
		Detail: fmt.Sprintf("starting reboot action on droplet %d: DigitalOcean API POST /v2/droplets/%d/actions: "+
			"403 Forbidden: You do not have access for the attempted action. (request ID …)\n\n"+
			"The API token is valid but lacks a scope this operation needs (403). Grant the token the droplet, "+
			"actions and image scopes listed in the provider documentation.", id, id),
	})
	if n := len(env.Actions(t, id)); n != 0 {
		t.Errorf("%d actions ran on droplet %d", n, id)
	}
}
