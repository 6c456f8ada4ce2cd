// Command test-compat runs the acceptance suite once per Terraform or OpenTofu binary (make
// test-compat) and ends with a table of what each run gave:
//
//	go run ./scripts/test-compat [-timeout 45m] BINARY... [-- GO_TEST_ARGS...]
//
// Each run is `go test -json -count=1 -timeout T GO_TEST_ARGS ./internal/provider/...` against
// the emulator with TF_ACC_TERRAFORM_PATH set to the binary, and TF_ACC_PROVIDER_HOST set to
// the registry the binary resolves provider addresses to (registry.opentofu.org for OpenTofu). It
// prints each package's result, the output of every failed test, and every skipped test with its
// reason. The exit status is 1 when any run failed, 2 on bad usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"
)

// suite is what runs once per binary: the acceptance tests and what they share.
const suite = "./internal/provider/..."

type options struct {
	binaries []string
	goArgs   []string
	packages []string
	timeout  string
	goBinary string
	stdout   io.Writer
	stderr   io.Writer
}

// result is one row of the final table.
type result struct {
	cli    cli
	counts counts
	wall   time.Duration
	err    error // the run itself failed (binary not usable, go test exit status)
}

func (r result) failed() bool {
	return r.err != nil || r.counts.Failed > 0 || r.counts.PackageFailures > 0
}

func main() {
	opts := options{packages: []string{suite}, goBinary: "go", stdout: os.Stdout, stderr: os.Stderr}
	fs := flag.NewFlagSet("test-compat", flag.ContinueOnError)
	fs.StringVar(&opts.timeout, "timeout", "45m", "go test -timeout of each run")
	fs.Usage = func() {
		_, _ = fmt.Fprintln(fs.Output(), "usage: test-compat [-timeout 45m] BINARY... [-- GO_TEST_ARGS...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	opts.binaries, opts.goArgs = splitArgs(fs.Args())
	if len(opts.binaries) == 0 {
		fs.Usage()
		os.Exit(2)
	}
	results := runAll(opts)
	printTable(opts.stdout, results)
	for _, r := range results {
		if r.failed() {
			os.Exit(1)
		}
	}
}

// splitArgs separates the binaries from the arguments for go test, which follow "--".
func splitArgs(args []string) (binaries, goArgs []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

func runAll(opts options) []result {
	var results []result
	for _, b := range opts.binaries {
		results = append(results, runOne(opts, b))
	}
	return results
}

func runOne(opts options, binary string) result {
	start := time.Now()
	c, err := inspect(binary)
	if err != nil {
		_, _ = fmt.Fprintf(opts.stdout, "== %s: %v\n", binary, err)
		return result{cli: c, err: err}
	}
	args := append([]string{"test", "-json", "-count=1", "-timeout", opts.timeout}, opts.goArgs...)
	args = append(args, opts.packages...)
	_, _ = fmt.Fprintf(opts.stdout, "== %s %s (%s), TF_ACC_PROVIDER_HOST=%s: %s %s\n",
		c.Name, c.Version, c.Path, c.providerHost(), opts.goBinary, strings.Join(args, " "))

	cmd := exec.Command(opts.goBinary, args...)
	cmd.Env = testEnv(os.Environ(), c)
	cmd.Stderr = opts.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return result{cli: c, err: err}
	}
	if err := cmd.Start(); err != nil {
		return result{cli: c, err: err}
	}
	counts, sumErr := summarize(stdout, opts.stdout)
	runErr := cmd.Wait()
	r := result{cli: c, counts: counts, wall: time.Since(start), err: errors.Join(sumErr, runErr)}
	for _, key := range sortedKeys(counts.Skips) {
		_, _ = fmt.Fprintf(opts.stdout, "skipped %s: %s\n", key, counts.Skips[key])
	}
	return r
}

// testEnv is the environment of one run: always the emulator (never TF_ACC_REAL), the binary
// under test, and the registry host it resolves provider addresses to.
func testEnv(environ []string, c cli) []string {
	var env []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TF_ACC", "TF_ACC_REAL", "TF_ACC_TERRAFORM_PATH", "TF_ACC_PROVIDER_HOST", "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_ACC=1", "TF_ACC_TERRAFORM_PATH="+c.Path,
		"TF_ACC_PROVIDER_HOST="+c.providerHost(), "CHECKPOINT_DISABLE=1")
}

func printTable(w io.Writer, results []result) {
	_, _ = fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "binary\tversion\tpassed\tfailed\tskipped\twall time\tresult")
	for _, r := range results {
		version := "?"
		if r.cli.Name != "" {
			version = r.cli.Name + " " + r.cli.Version
		}
		status := "ok"
		if r.failed() {
			status = "FAIL"
			if r.counts.PackageFailures > 0 {
				status = fmt.Sprintf("FAIL (%d package(s) failed outside tests)", r.counts.PackageFailures)
			} else if r.counts.Failed == 0 && r.err != nil {
				status = "FAIL (" + firstLine(r.err.Error()) + ")"
			}
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.cli.Arg, version,
			r.counts.Passed, r.counts.Failed, r.counts.Skipped, r.wall.Round(time.Second), status)
	}
	_ = tw.Flush()
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
