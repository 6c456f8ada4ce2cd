package dropletaction_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

const cliHeader = `
terraform {
  required_providers {
    droplet = {
      source = "dropletops/droplet"
    }
  }
}
`

// newActionsCLI is a CLI workspace for a Terraform with actions (1.14 or later).
func newActionsCLI(t *testing.T) *acctest.CLIWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC must be set: this test runs the terraform binary")
	}
	acctest.SkipUnlessSupported(t, acctest.TerraformPath(), acctest.Actions)
	return acctest.NewCLIWorkspace(t)
}

// progressLines are the progress messages Terraform printed for one action, in order.
func progressLines(out, addr string) []string {
	prefix := "Action " + addr + " (triggered by CLI): "
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), prefix); ok {
			lines = append(lines, rest)
		}
	}
	return lines
}

// lineMatching returns the submatches of the first line matching re, or fails the test.
func lineMatching(t *testing.T, lines []string, re *regexp.Regexp) []string {
	t.Helper()
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			return m
		}
	}
	t.Fatalf("no progress line matches %s in:\n  %s", re, strings.Join(lines, "\n  "))
	return nil
}

// actionsOfType are the droplet's actions of one type in the emulator.
func actionsOfType(srv *emulator.Server, id int, typ string) []emulator.Action {
	var out []emulator.Action
	for _, a := range srv.DropletActions(id) {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

// `terraform apply -invoke` runs one action and shows its progress: the start with the droplet's
// ID and name and the action's ID, a line at least every 10 s while it waits, and the end with its
// duration. By tag, each droplet is reported; a no-op says why nothing was sent. The emulator then
// holds exactly one action per droplet, and nothing is kept in state.
func TestAccActionCLI_invokeShowsProgress(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) {
		o.ActionDurations = map[string]time.Duration{"snapshot": 11 * time.Second}
	})
	env.SkipIfReal(t)
	cli := newActionsCLI(t)
	srv := env.Emulator.Server
	single := env.CreateDroplet(t, "cli-single")
	tagged := []int{env.CreateDroplet(t, "cli-1", "cli"), env.CreateDroplet(t, "cli-2", "cli"), env.CreateDroplet(t, "cli-3", "cli")}
	cli.Write("main.tf", cliHeader+env.Config(fmt.Sprintf(`
action "droplet_snapshot" "one" {
  config {
    droplet_id = %d
    name       = "cli-snapshot"
  }
}

action "droplet_power_cycle" "tagged" {
  config {
    tag_name = "cli"
  }
}

action "droplet_power_on" "noop" {
  config {
    droplet_id = %d
  }
}
`, single, single)))

	out := cli.Run("apply", "-auto-approve", "-no-color", "-invoke=action.droplet_snapshot.one")
	all := out
	lines := progressLines(out, "action.droplet_snapshot.one")
	who := regexp.QuoteMeta(fmt.Sprintf("droplet cli-single (%d): ", single))
	started := lineMatching(t, lines, regexp.MustCompile(`^`+who+`snapshot action (\d+) started \(in-progress\)$`))
	id := regexp.QuoteMeta(started[1])
	lineMatching(t, lines, regexp.MustCompile(`^`+who+`snapshot action `+id+` still in-progress after \d+s$`))
	lineMatching(t, lines, regexp.MustCompile(`^`+who+`snapshot action `+id+` completed after \d+s$`))
	if last := lines[len(lines)-1]; !strings.Contains(last, "completed after") {
		t.Errorf("last progress line %q, want the end with its duration", last)
	}
	snaps := actionsOfType(srv, single, "snapshot")
	if len(snaps) != 1 || strconv.Itoa(snaps[0].ID) != started[1] || snaps[0].Status != "completed" {
		t.Errorf("emulator holds snapshot actions %+v, want exactly action %s, completed", snaps, started[1])
	}
	if !strings.Contains(out, "Actions: 1 invoked.") || !strings.Contains(out, "Resources: 0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply summary missing or not empty:\n%s", out)
	}

	out = cli.Run("apply", "-auto-approve", "-no-color", "-invoke=action.droplet_power_cycle.tagged")
	all += out
	lines = progressLines(out, "action.droplet_power_cycle.tagged")
	for i, d := range tagged {
		who := regexp.QuoteMeta(fmt.Sprintf("droplet cli-%d (%d): ", i+1, d))
		started := lineMatching(t, lines, regexp.MustCompile(`^`+who+`power_cycle action (\d+) started \(in-progress\)$`))
		lineMatching(t, lines, regexp.MustCompile(`^`+who+`power_cycle action `+started[1]+` completed after \d+s$`))
		got := actionsOfType(srv, d, "power_cycle")
		if len(got) != 1 || strconv.Itoa(got[0].ID) != started[1] {
			t.Errorf("droplet %d: emulator holds power_cycle actions %+v, want exactly action %s", d, got, started[1])
		}
	}
	lineMatching(t, lines, regexp.MustCompile(`^droplets tagged "cli": power_cycle on 3 droplets: 3 completed, after \d+s$`))
	if n := len(actionsOfType(srv, single, "power_cycle")); n != 0 {
		t.Errorf("the untagged droplet got %d power_cycle actions", n)
	}

	out = cli.Run("apply", "-auto-approve", "-no-color", "-invoke=action.droplet_power_on.noop")
	all += out
	lines = progressLines(out, "action.droplet_power_on.noop")
	want := fmt.Sprintf("droplet cli-single (%d): nothing sent: the droplet is already on (status active)", single)
	if !slices.Equal(lines, []string{want}) {
		t.Errorf("progress %q, want only %q", lines, want)
	}
	if n := len(actionsOfType(srv, single, "power_on")); n != 0 {
		t.Errorf("power_on on a droplet that is on started %d actions", n)
	}

	if state := cli.Run("state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("the invocations left state: %q", state)
	}
	if strings.Contains(all, env.Token) {
		t.Error("the token appears in terraform's output")
	}
}

// Ctrl-C during the wait: terraform exits at once, the action keeps running on DigitalOcean, and
// exactly one was started. Terraform 1.15 does not always show the interrupted invocation's error:
// terraform-plugin-go drops an action's answer once Terraform has stopped the provider, so the
// test checks the error's content only when it arrived (the Invoke-level test always checks it).
func TestAccActionCLI_interrupt(t *testing.T) {
	env := acctest.NewEnv(t, func(o *emulator.Options) {
		o.ActionDurations = map[string]time.Duration{"reboot": time.Hour}
	})
	env.SkipIfReal(t)
	cli := newActionsCLI(t)
	srv := env.Emulator.Server
	id := env.CreateDroplet(t, "interrupted")
	cli.Write("main.tf", cliHeader+env.Config(fmt.Sprintf(`
action "droplet_reboot" "slow" {
  config {
    droplet_id = %d
  }
}
`, id)))

	p := cli.Start("apply", "-auto-approve", "-no-color", "-invoke=action.droplet_reboot.slow")
	startedLine := regexp.MustCompile(`reboot action (\d+) started`)
	var actionID string
	for actionID == "" {
		select {
		case <-p.Done():
			out, err := p.Wait()
			t.Fatalf("terraform ended (%v) before the reboot started:\n%s", err, out)
		case <-time.After(100 * time.Millisecond):
			if m := startedLine.FindStringSubmatch(p.Output()); m != nil {
				actionID = m[1]
			}
		}
	}
	if err := p.Interrupt(); err != nil {
		t.Fatal(err)
	}
	out, _ := p.Wait()
	if strings.Contains(out, env.Token) {
		t.Error("the token appears in terraform's output")
	}
	if strings.Contains(out, "TERRAFORM CRASH") || strings.Contains(out, "panic:") {
		t.Fatalf("terraform crashed after the interrupt:\n%s", out)
	}
	reboots := actionsOfType(srv, id, "reboot")
	if len(reboots) != 1 || strconv.Itoa(reboots[0].ID) != actionID || reboots[0].Status != "in-progress" {
		t.Fatalf("emulator holds reboot actions %+v, want exactly action %s, still in-progress: terraform returned before it ended", reboots, actionID)
	}
	if strings.Contains(out, "Interrupted while waiting") {
		if !actionErrorText(fmt.Sprintf("Interrupted while waiting for droplet action reboot on droplet interrupted (%d)", id),
			"reboot action "+actionID+" in-progress, still running when the invocation was interrupted").MatchString(out) {
			t.Errorf("the interrupt's error does not name the droplet, action and status:\n%s", out)
		}
	} else {
		t.Logf("terraform did not show the interrupted invocation's error (its answer was dropped):\n%s", out)
	}
}
