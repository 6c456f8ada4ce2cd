package acctest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The API token must never appear in TF_LOG=trace output, in diagnostics or in state, anywhere in
// the acceptance suite. RunWithSecretScan, called from the TestMain of every package with
// acceptance tests, runs that package's tests with trace logging on, one log file per test
// (Terraform's own log and the provider's, which runs in the test process), and keeps every
// working directory; afterwards it searches the logs and the state files for tokens.
//
// Every acceptance test gets a token of its own from RandomToken ("dop_v1_" and 32 hex digits), so
// any token-shaped string in those files is a leak, whichever test it came from. Diagnostics are
// covered too: the provider logs each one it returns, and Terraform logs what it shows. The tests
// that run the built binary (internal/provider's CLI and diagnostics tests) check their own output
// for their token.
//
// DROPLET_SECRET_SCAN=off runs the suite without the scan (for a quick local run); a user's own
// TF_LOG_PATH_MASK or TF_ACC_TEMP_DIR is kept and scanned instead of a temporary directory.

var tokenPattern = regexp.MustCompile(`dop_v1_[0-9a-f]{32}`)

// RunWithSecretScan runs the tests of m under the secret scan described above and returns the exit
// code: a failing test or a token found fails the run.
func RunWithSecretScan(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" || os.Getenv("DROPLET_SECRET_SCAN") == "off" {
		return m.Run()
	}
	root, err := os.MkdirTemp("", "droplet-secret-scan-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "secret scan:", err)
		return 1
	}
	keep := os.Getenv("TF_ACC_PERSIST_WORKING_DIR") != ""

	logMask := os.Getenv("TF_LOG_PATH_MASK")
	if logMask == "" {
		logMask = filepath.Join(root, "logs", "%s.log")
		_ = os.Setenv("TF_LOG_PATH_MASK", logMask)
	}
	logDir := filepath.Dir(logMask)
	workDir := os.Getenv("TF_ACC_TEMP_DIR")
	if workDir == "" {
		workDir = filepath.Join(root, "work")
		_ = os.Setenv("TF_ACC_TEMP_DIR", workDir)
	}
	for _, d := range []string{logDir, workDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "secret scan:", err)
			return 1
		}
	}
	// The provider's log level (the test sink) and Terraform's (plugin-testing passes TF_ACC_LOG on).
	if os.Getenv("TF_LOG") == "" {
		_ = os.Setenv("TF_LOG", "TRACE")
	}
	if os.Getenv("TF_ACC_LOG") == "" && os.Getenv("TF_LOG_CORE") == "" {
		_ = os.Setenv("TF_ACC_LOG", "TRACE")
	}
	// plugin-testing's own log records each step's configuration, token included: that is the
	// test's input, not something Terraform or the provider wrote, so it stays out of the files.
	if os.Getenv("TF_LOG_SDK_HELPER_RESOURCE") == "" {
		_ = os.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "OFF")
	}
	// Working directories hold the state files; they are removed after the scan unless asked for.
	_ = os.Setenv("TF_ACC_PERSIST_WORKING_DIR", "1")

	code := m.Run()

	report := scanForTokens(logDir, workDir)
	fmt.Fprint(os.Stderr, report.String())
	if report.failed() {
		fmt.Fprintf(os.Stderr, "secret scan: files kept in %s\n", root)
		if code == 0 {
			code = 1
		}
		return code
	}
	if keep {
		fmt.Fprintf(os.Stderr, "secret scan: files kept in %s\n", root)
	} else {
		_ = os.RemoveAll(root)
	}
	return code
}

// scanReport is what the search found.
type scanReport struct {
	logFiles, stateFiles, configs int
	logBytes                      int64
	// httpLogged counts log files holding the provider's HTTP trace: proof the search looked at
	// the place where a token would most likely leak.
	httpLogged int
	// tokensInConfigs counts configurations holding a token: proof the pattern matches the
	// suite's tokens.
	tokensInConfigs int
	leaks           []string
	// unreadable lists files or directories the search could not read: they might hold a token.
	unreadable []string
}

func (r scanReport) failed() bool {
	return len(r.leaks) > 0 || len(r.unreadable) > 0 || r.noHTTPTrace() || (r.configs > 0 && r.tokensInConfigs == 0)
}

// noHTTPTrace: tests logged, yet no log shows the provider's requests. Tests that all skipped (on
// a CLI without the feature they need) leave empty logs only: nothing to prove then.
func (r scanReport) noHTTPTrace() bool { return r.logBytes > 0 && r.httpLogged == 0 }

func (r scanReport) String() string {
	if r.logFiles == 0 && r.stateFiles == 0 && len(r.unreadable) == 0 {
		return "" // no acceptance test ran through plugin-testing
	}
	var b strings.Builder
	fmt.Fprintf(&b, "secret scan: %d trace logs (%.1f MB, %d with the provider's HTTP trace), %d state files, "+
		"%d configurations (%d holding a token) searched for API tokens\n",
		r.logFiles, float64(r.logBytes)/(1<<20), r.httpLogged, r.stateFiles, r.configs, r.tokensInConfigs)
	for _, l := range r.leaks {
		fmt.Fprintf(&b, "secret scan: TOKEN LEAKED: %s\n", l)
	}
	for _, u := range r.unreadable {
		fmt.Fprintf(&b, "secret scan: FAILED: could not search %s\n", u)
	}
	if r.noHTTPTrace() {
		b.WriteString("secret scan: FAILED: no log holds the provider's HTTP trace, so the search proves nothing " +
			"(is the provider's logging reaching TF_LOG?)\n")
	}
	if r.configs > 0 && r.tokensInConfigs == 0 {
		b.WriteString("secret scan: FAILED: no configuration holds a token of the expected shape; the search " +
			"pattern no longer matches the suite's tokens\n")
	}
	return b.String()
}

func scanForTokens(logDir, workDir string) scanReport {
	var r scanReport
	leak := func(path string, data []byte, loc []int) {
		lo, hi := max(0, loc[0]-160), min(len(data), loc[1]+80)
		context := tokenPattern.ReplaceAllString(string(data[lo:hi]), "dop_v1_<token>")
		r.leaks = append(r.leaks, fmt.Sprintf("%s (%d occurrences), first in: …%s…", path,
			len(tokenPattern.FindAllIndex(data, -1)), strings.ReplaceAll(context, "\n", "⏎")))
	}
	// read returns a file's content; a file that cannot be read is a failure, not a pass.
	read := func(path string) ([]byte, bool) {
		data, err := os.ReadFile(path)
		if err != nil {
			r.unreadable = append(r.unreadable, err.Error())
			return nil, false
		}
		return data, true
	}
	walk := func(root string, visit func(path, name string)) {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil && path == root && errors.Is(err, fs.ErrNotExist):
				return fs.SkipAll // nothing was written there
			case err != nil:
				r.unreadable = append(r.unreadable, err.Error())
			case !d.IsDir():
				visit(path, d.Name())
			}
			return nil
		})
		if err != nil {
			r.unreadable = append(r.unreadable, err.Error())
		}
	}
	walk(logDir, func(path, _ string) {
		data, ok := read(path)
		if !ok || len(data) == 0 {
			// A test skipped before running terraform (too old a CLI) leaves an empty log.
			return
		}
		r.logFiles++
		r.logBytes += int64(len(data))
		if bytes.Contains(data, []byte("http_url")) && bytes.Contains(data, []byte("/v2/")) {
			r.httpLogged++
		}
		if loc := tokenPattern.FindIndex(data); loc != nil {
			leak(path, data, loc)
		}
	})
	walk(workDir, func(path, name string) {
		switch {
		case strings.HasPrefix(name, "terraform.tfstate"):
			data, ok := read(path)
			if !ok {
				return
			}
			r.stateFiles++
			if loc := tokenPattern.FindIndex(data); loc != nil {
				leak(path, data, loc)
			}
		case strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfquery.hcl"):
			// The configuration (a query's too) is where the token belongs; it only shows the
			// pattern is right.
			data, ok := read(path)
			if !ok {
				return
			}
			r.configs++
			if tokenPattern.Match(data) {
				r.tokensInConfigs++
			}
		}
	})
	sort.Strings(r.leaks)
	return r
}
