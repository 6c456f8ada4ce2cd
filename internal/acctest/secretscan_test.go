package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scan itself must find a token wherever it is, and report nothing else.
func TestSecretScanFindsTokens(t *testing.T) {
	root := t.TempDir()
	logs, work := filepath.Join(root, "logs"), filepath.Join(root, "work")
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	token := "dop_v1_" + strings.Repeat("ab", 16)
	write(filepath.Join(logs, "TestClean.log"), `{"http_url":"http://127.0.0.1/v2/droplets","Authorization":"Bearer <redacted>"}`)
	write(filepath.Join(logs, "TestSkipped.log"), "") // a test skipped on an older CLI
	write(filepath.Join(work, "plugintest1", "work1", "terraform_plugin_test.tf"), `provider "droplet" { token = "`+token+`" }`)
	write(filepath.Join(work, "plugintest1", "work1", "terraform.tfstate"), `{"resources":[]}`)
	// A query step's configuration counts too: a suite of query tests has no other.
	write(filepath.Join(work, "plugintest3", "work3", "terraform_plugin_test.tfquery.hcl"), `provider "droplet" { token = "`+token+`" }`)

	if r := scanForTokens(logs, work); r.failed() || r.logFiles != 1 || r.stateFiles != 1 || r.tokensInConfigs != 2 {
		t.Fatalf("clean files: %+v\n%s", r, r)
	}

	write(filepath.Join(logs, "TestLeaky.log"), "2025 [TRACE] sent Authorization: Bearer "+token+"\n")
	write(filepath.Join(work, "plugintest2", "work2", "step_1", "terraform.tfstate.backup"), `{"token":"`+token+`"}`)
	r := scanForTokens(logs, work)
	if !r.failed() || len(r.leaks) != 2 {
		t.Fatalf("leaks not found: %+v", r)
	}
	for _, l := range r.leaks {
		if strings.Contains(l, token) {
			t.Errorf("the report repeats the token: %s", l)
		}
	}

	// Without the provider's HTTP trace in any log, the scan cannot vouch for anything.
	if err := os.RemoveAll(logs); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(logs, "TestQuiet.log"), "nothing here\n")
	write(filepath.Join(logs, "TestSkipped.log"), "")
	if r := scanForTokens(logs, filepath.Join(root, "none")); !r.failed() {
		t.Errorf("a scan without the provider's HTTP trace passed: %+v", r)
	}

	// Tests that all skipped leave empty logs: there is nothing to vouch for, and nothing failed.
	if err := os.RemoveAll(logs); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(logs, "TestSkipped.log"), "")
	if r := scanForTokens(logs, filepath.Join(root, "none")); r.failed() {
		t.Errorf("a scan of skipped tests' empty logs failed: %+v", r)
	}
}
