package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct{ out, name, version string }{
		{"Terraform v1.15.9\non linux_amd64\n", "Terraform", "1.15.9"},
		{"OpenTofu v1.11.14\non linux_amd64\n", "OpenTofu", "1.11.14"},
		{"Terraform v1.5.7\non linux_amd64\n\nYour version of Terraform is out of date!", "Terraform", "1.5.7"},
		{"Terraform v1.16.0-beta1\n", "Terraform", "1.16.0-beta1"},
	} {
		name, version, err := parseVersion(tc.out)
		if err != nil || name != tc.name || version != tc.version {
			t.Errorf("parseVersion(%q) = %q, %q, %v; want %q, %q", tc.out, name, version, err, tc.name, tc.version)
		}
	}
	for _, out := range []string{"", "terraform 1.5.7", "Packer v1.9.0", "go version go1.26"} {
		if _, _, err := parseVersion(out); err == nil {
			t.Errorf("parseVersion(%q) accepted it", out)
		}
	}
}

const samplePkg = "./scripts/test-compat/testdata/"

// sampleStream is what a real `go test -json` prints for the packages in testdata/, run as on
// OpenTofu: one package with passing, failing and skipped tests and subtests, one that does not
// build, one whose test panics.
var sample struct {
	once sync.Once
	out  []byte
}

func sampleStream(t *testing.T) []byte {
	t.Helper()
	sample.once.Do(func() {
		cmd := exec.Command("go", "test", "-json", "-count=1", samplePkg+"sample", samplePkg+"broken", samplePkg+"panics")
		cmd.Dir = filepath.Join("..", "..")
		cmd.Env = append(os.Environ(), "TF_ACC_PROVIDER_HOST=registry.opentofu.org")
		sample.out, _ = cmd.Output() // it fails: the packages are made to
	})
	if len(sample.out) == 0 {
		t.Fatal("go test -json printed nothing")
	}
	return sample.out
}

func TestSummarize(t *testing.T) {
	var out bytes.Buffer
	c, err := summarize(bytes.NewReader(append([]byte("not json\n"), sampleStream(t)...)), &out)
	if err != nil {
		t.Fatal(err)
	}
	// Top-level tests only: TestPass; TestEnvironment (no TF_ACC here), TestFailsOnOpenTofu,
	// TestPanics; TestSkipped. The broken package has no test to count.
	if c.Passed != 1 || c.Failed != 3 || c.Skipped != 1 || c.PackageFailures != 1 {
		t.Errorf("counts = %+v, want 1 passed, 3 failed, 1 skipped, 1 package failure", c)
	}
	const pkg = "github.com/dropletops/terraform-provider-droplet/scripts/test-compat/testdata/"
	if got := c.Skips[pkg+"sample TestSkipped"]; got != "needs something this run lacks" {
		t.Errorf("skip reason = %q (skips %v)", got, c.Skips)
	}
	text := out.String()
	for _, want := range []string{
		"not json\n",
		"sample_test.go:39: boom on OpenTofu", // a failing subtest's message
		"host is registry.opentofu.org",       // its parent's output
		"--- FAIL: TestFailsOnOpenTofu ",      // the parent's result
		"undefined: undefinedFunction",        // the build error
		"panic: kaboom",                       // the panic
		"FAIL " + pkg + "sample ", "FAIL " + pkg + "broken ", "FAIL " + pkg + "panics ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"passing output is not shown", "=== RUN   TestPass", "=== RUN   TestSkipped"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("output has %q, the output of a test that did not fail:\n%s", unwanted, text)
		}
	}
}

// A test binary killed mid-test (a timeout, a crash) leaves tests that never finished: their
// output is what explains the failure.
func TestSummarizeUnfinished(t *testing.T) {
	stream := `{"Action":"run","Package":"p","Test":"TestHangs"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"=== RUN   TestHangs\n"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"    hang_test.go:9: waiting for the droplet\n"}
{"Action":"output","Package":"p","Output":"panic: test timed out after 1s\n"}
{"Action":"fail","Package":"p","Elapsed":1}
`
	var out bytes.Buffer
	c, err := summarize(strings.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.PackageFailures != 1 || c.Failed != 0 {
		t.Errorf("counts = %+v, want one package failure", c)
	}
	for _, want := range []string{"panic: test timed out", "--- unfinished p TestHangs", "waiting for the droplet", "FAIL p 1.0s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSkipReason(t *testing.T) {
	for out, want := range map[string]string{
		"=== RUN   TestA\n    a_test.go:12: needs the emulator\n--- SKIP: TestA (0.00s)\n":                                                            "needs the emulator",
		"=== RUN   TestB\n    teststep.go:40: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n--- SKIP: TestB (0.01s)\n": "Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test",
		"=== RUN   TestC\n--- SKIP: TestC (0.00s)\n":                                                                                                  "",
	} {
		if got := skipReason(out); got != want {
			t.Errorf("skipReason(%q) = %q, want %q", out, got, want)
		}
	}
}

func TestTestEnv(t *testing.T) {
	environ := []string{"HOME=/root", "TF_ACC_REAL=1", "TF_ACC=0", "TF_ACC_PROVIDER_HOST=example.com",
		"TF_ACC_TERRAFORM_PATH=/old", "DIGITALOCEAN_TOKEN=x"}
	got := strings.Join(testEnv(environ, cli{Path: "/t/tofu", OpenTofu: true}), " ")
	want := "HOME=/root DIGITALOCEAN_TOKEN=x TF_ACC=1 TF_ACC_TERRAFORM_PATH=/t/tofu TF_ACC_PROVIDER_HOST=registry.opentofu.org CHECKPOINT_DISABLE=1"
	if got != want {
		t.Errorf("env =\n %s\nwant\n %s", got, want)
	}
	if got := testEnv(nil, cli{Path: "/t/terraform"}); !strings.Contains(strings.Join(got, " "), "TF_ACC_PROVIDER_HOST=registry.terraform.io") {
		t.Errorf("terraform env = %v", got)
	}
}

// fakeCLI writes an executable that answers `version` like a Terraform or OpenTofu binary, with
// the warning real ones print on stderr when their configuration file is missing.
func fakeCLI(t *testing.T, dir, name, firstLine string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	script := "#!/bin/sh\necho 'Warning: Unable to open CLI configuration file' >&2\nprintf '%s\\non linux_amd64\\n' '" + firstLine + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// The whole program on real `go test` runs of testdata/sample, with fake CLIs: the environment
// each run gets is checked by the sample's own tests.
func TestRunAll(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := t.TempDir()
	tf := fakeCLI(t, dir, "terraform", "Terraform v1.15.9")
	tofu := fakeCLI(t, dir, "tofu", "OpenTofu v1.11.14")
	var out, stderr bytes.Buffer // apart: go's stderr is copied from another goroutine
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	opts := options{
		binaries: []string{tf, tofu, filepath.Join(dir, "missing")},
		goArgs:   []string{"-run", "TestPass|TestEnvironment|TestSkipped|TestFailsOnOpenTofu"},
		packages: []string{samplePkg + "sample"},
		timeout:  "5m", goBinary: "go", stdout: &out, stderr: &stderr,
	}
	results := runAll(opts)
	if len(results) != 3 {
		t.Fatalf("%d results", len(results))
	}
	tfr, tofur, missing := results[0], results[1], results[2]
	if tfr.failed() || tfr.counts.Passed != 3 || tfr.counts.Skipped != 1 || tfr.cli.Version != "1.15.9" || tfr.cli.OpenTofu {
		t.Errorf("terraform run = %+v, want 3 passed, 1 skipped, not failed\n%s", tfr, out.String())
	}
	if !tofur.failed() || tofur.counts.Passed != 2 || tofur.counts.Failed != 1 || !tofur.cli.OpenTofu {
		t.Errorf("tofu run = %+v, want 2 passed, 1 failed (TestFailsOnOpenTofu)\n%s", tofur, out.String())
	}
	if !missing.failed() || missing.err == nil {
		t.Errorf("a missing binary = %+v, want a failed run", missing)
	}
	var table bytes.Buffer
	printTable(&table, results)
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", table.String())
	}
	for i, want := range [][]string{
		{"binary", "version", "passed", "failed", "skipped", "wall time", "result"},
		{tf, "Terraform 1.15.9", " 3 ", " 0 ", " 1 ", " ok"},
		{tofu, "OpenTofu 1.11.14", " 2 ", " 1 ", " 1 ", "FAIL"},
		{"missing", " ? ", "FAIL (exec:"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("table line %d lacks %q:\n%s", i, w, table.String())
			}
		}
	}
	if !strings.Contains(out.String(), "skipped github.com/dropletops/terraform-provider-droplet/scripts/test-compat/testdata/sample TestSkipped: needs something this run lacks") {
		t.Errorf("the skipped test and its reason are not listed:\n%s", out.String())
	}
}
