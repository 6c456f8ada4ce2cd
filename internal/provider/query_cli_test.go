package provider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/acctest"
	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestAccQuery_generatedConfigImportsEverything is the bulk import as a user runs it: `terraform
// query -generate-config-out` over a whole account, the generated file applied as it is, then a
// plan. The listing costs two requests per 200 droplets, the apply imports every droplet's settings
// without a single droplet action, and the plan after it is empty.
func TestAccQuery_generatedConfigImportsEverything(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC must be set: this test runs the terraform binary")
	}
	acctest.SkipUnlessSupported(t, acctest.TerraformPath(), acctest.ListResources)
	env := acctest.NewEnv(t)
	env.SkipIfReal(t)
	w := newCLIWorkspace(t)
	s := env.Emulator.Server

	// 230 droplets (two pages of each list): weekly, daily and no backups in turn; three tagged web,
	// one of them switched off.
	const n = 230
	ids := make([]int, n)
	for i := range ids {
		spec := emulator.DropletSpec{Name: fmt.Sprintf("node-%03d", i)}
		switch i % 3 {
		case 0:
			spec.Backups, spec.BackupPolicy = true, &emulator.PolicySpec{Plan: "weekly", Weekday: "TUE", Hour: intPtr(i % 6 * 4)}
		case 1:
			spec.Backups, spec.BackupPolicy = true, &emulator.PolicySpec{Plan: "daily", Hour: intPtr(20)}
		}
		if i >= n-3 {
			spec.Tags = []string{"web"}
		}
		ids[i] = s.CreateDroplet(spec).ID
	}
	if _, err := s.StartAction(ids[n-1], "power_off", 0); err != nil {
		t.Fatal(err)
	}

	w.write(cliProviderHeader + env.Config(""))
	w.writeFile("discover.tfquery.hcl", `
list "droplet_backups" "all" {
  provider = droplet
  limit    = 1000
}

list "droplet_power" "web" {
  provider = droplet
  config {
    tag_name = "web"
  }
}
`)

	s.ResetStats()
	out := w.run(nil, "query", "-no-color", "-generate-config-out=generated.tf")
	// 2 × ⌈230/200⌉ for the backups, ⌈3/200⌉ for the tagged droplets' power states.
	wantRequests := map[string]int{"GET /v2/droplets": 2 + 1, "GET /v2/droplets/backups/policies": 2}
	st := s.Stats()
	t.Logf("terraform query over %d droplets (%d tagged): %d requests %v", n, 3, st.TotalRequests, st.Requests)
	if !maps.Equal(st.Requests, wantRequests) {
		t.Errorf("terraform query: the emulator served %v (%d requests), want %v", st.Requests, st.TotalRequests, wantRequests)
	}
	if got := countLines(out, "list.droplet_backups.all "); got != n {
		t.Errorf("terraform query printed %d droplet_backups results, want %d:\n%s", got, n, out)
	}
	if got := countLines(out, "list.droplet_power.web "); got != 3 {
		t.Errorf("terraform query printed %d droplet_power results, want 3:\n%s", got, out)
	}
	for _, line := range []string{
		fmt.Sprintf("droplet_id=%d   node-000 (%d): weekly TUE 00:00", ids[0], ids[0]),
		fmt.Sprintf("droplet_id=%d   node-001 (%d): daily 20:00", ids[1], ids[1]),
		fmt.Sprintf("droplet_id=%d   node-002 (%d): backups off", ids[2], ids[2]),
		fmt.Sprintf("droplet_id=%d   node-229 (%d): off", ids[n-1], ids[n-1]),
		fmt.Sprintf("droplet_id=%d   node-228 (%d): on", ids[n-2], ids[n-2]),
	} {
		if !strings.Contains(out, line) {
			t.Errorf("terraform query output lacks %q:\n%s", line, out)
		}
	}

	generated := w.readFile("generated.tf")
	for what, want := range map[string]int{
		`resource "droplet_backups"`: n,
		`resource "droplet_power"`:   3,
		"import {":                   n + 3,
	} {
		if got := strings.Count(generated, what); got != want {
			t.Errorf("generated.tf has %d %s, want %d", got, what, want)
		}
	}
	if strings.Contains(out+generated, env.Token) {
		t.Error("the API token appears in terraform query's output or in generated.tf")
	}

	s.ResetStats()
	out = w.run(nil, "apply", "-auto-approve", "-no-color")
	if want := fmt.Sprintf("Resources: %d imported, 0 added, 0 changed, 0 destroyed", n+3); !strings.Contains(out, want) {
		t.Errorf("apply of generated.tf did not report %q:\n%s", want, out)
	}
	st = s.Stats()
	t.Logf("terraform apply of generated.tf: %d requests %v, actions started %v", st.TotalRequests, st.Requests, st.ActionsStarted)
	if len(st.ActionsStarted) != 0 {
		t.Errorf("importing started droplet actions: %v", st.ActionsStarted)
	}
	for route := range st.Requests {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("importing sent %s (%d times); only reads were expected", route, st.Requests[route])
		}
	}

	w.checkStateMatchesEmulator(s, ids)

	if code, out := w.runCode(nil, "plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Errorf("the plan after applying generated.tf is not empty (exit code %d):\n%s", code, out)
	}
	if st := s.Stats(); len(st.ActionsStarted) != 0 {
		t.Errorf("droplet actions started: %v", st.ActionsStarted)
	}
}

// checkStateMatchesEmulator compares every imported resource with what the emulator holds.
func (w *cliWorkspace) checkStateMatchesEmulator(s *emulator.Server, ids []int) {
	w.t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := w.run(nil, "show", "-json", "-no-color")
	dec := json.NewDecoder(strings.NewReader(jsonIn(w.t, out)))
	dec.UseNumber()
	if err := dec.Decode(&state); err != nil {
		w.t.Fatalf("decode terraform show -json: %v", err)
	}
	seen := map[string]int{}
	for _, r := range state.Values.RootModule.Resources {
		id, err := acctest.ListedDropletID(r.Values)
		if err != nil {
			w.t.Fatalf("%s: %v", r.Type, err)
		}
		seen[r.Type]++
		switch r.Type {
		case "droplet_backups":
			rec, ok := s.BackupPolicy(id)
			if !ok {
				w.t.Fatalf("droplet %d is in the state but not in the emulator", id)
			}
			want := map[string]any{"enabled": rec.BackupEnabled, "plan": nil, "weekday": nil, "hour": nil}
			if p := rec.BackupPolicy; p != nil {
				want["plan"], want["hour"] = p.Plan, json.Number(fmt.Sprint(p.Hour))
				if p.Weekday != "" {
					want["weekday"] = p.Weekday
				}
			}
			for k, v := range want {
				if r.Values[k] != v {
					w.t.Errorf("droplet_backups for droplet %d: %s = %v in the state, %v in the emulator", id, k, r.Values[k], v)
				}
			}
		case "droplet_power":
			d, _ := s.Droplet(id)
			if r.Values["status"] != d.Status {
				w.t.Errorf("droplet_power for droplet %d: status %v in the state, %q in the emulator", id, r.Values["status"], d.Status)
			}
		}
	}
	if seen["droplet_backups"] != len(ids) || seen["droplet_power"] != 3 {
		w.t.Errorf("the state holds %v, want %d droplet_backups and 3 droplet_power", seen, len(ids))
	}
}

func (w *cliWorkspace) writeFile(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cliWorkspace) readFile(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// runCode is run for commands whose exit code says something (plan -detailed-exitcode); only a
// failure to start fails the test.
func (w *cliWorkspace) runCode(env []string, args ...string) (int, string) {
	w.t.Helper()
	cmd := exec.Command(w.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string(nil), w.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		w.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// countLines counts the lines of out that start with prefix.
func countLines(out, prefix string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

// jsonIn is the JSON document in a command's output, after any warnings printed before it.
func jsonIn(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "{")
	if i < 0 {
		t.Fatalf("no JSON in output:\n%s", out)
	}
	return out[i:]
}

func intPtr(v int) *int { return &v }
