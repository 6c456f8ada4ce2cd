package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	// ImportPath names the package of build output ("pkg [pkg.test]"), which has no Package.
	ImportPath string
	Test       string
	Output     string
	Elapsed    float64
}

// counts are the outcomes of top-level tests; subtests are part of their parent's outcome.
type counts struct {
	Passed, Failed, Skipped int
	// PackageFailures counts packages that failed outside any test: build errors, panics,
	// timeouts, TestMain failures.
	PackageFailures int
	// Skips maps each skipped test ("package TestName") to the reason it gave.
	Skips map[string]string
}

// summarize reads a `go test -json` stream. It writes to w the result line of every package and
// the whole output of every test (and package) that failed, and returns the counts. Lines that are
// not JSON events are copied to w as they are.
func summarize(r io.Reader, w io.Writer) (counts, error) {
	c := counts{Skips: map[string]string{}}
	output := map[string]*strings.Builder{} // by package + " " + test ("" for the package itself)
	failedTests := map[string]int{}         // by package
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			_, _ = fmt.Fprintf(w, "%s\n", line)
			continue
		}
		if e.Package == "" && e.ImportPath != "" {
			e.Package, _, _ = strings.Cut(e.ImportPath, " ")
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output", "build-output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			text := ""
			if b := output[key]; b != nil {
				text = b.String()
				delete(output, key)
			}
			if e.Test == "" {
				// A package with a failed test fails too; only a failure no test explains is the
				// package's own, and its output (a build error, a panic, a timeout) says why.
				if e.Action == "fail" && failedTests[e.Package] == 0 {
					c.PackageFailures++
					_, _ = fmt.Fprintf(w, "%s", text)
				}
				_, _ = fmt.Fprintf(w, "%-4s %s %.1fs\n", packageResult(e.Action), e.Package, e.Elapsed)
				continue
			}
			if strings.Contains(e.Test, "/") {
				// A subtest's output is also its parent's; it is printed with the parent's when it fails.
				if parent := output[e.Package+" "+e.Test[:strings.Index(e.Test, "/")]]; parent != nil {
					parent.WriteString(text)
				}
				continue
			}
			switch e.Action {
			case "pass":
				c.Passed++
			case "skip":
				c.Skipped++
				c.Skips[key] = skipReason(text)
			case "fail":
				c.Failed++
				failedTests[e.Package]++
				_, _ = fmt.Fprintf(w, "%s", text)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	// A package whose test binary died mid-test reports the package's failure only; its tests'
	// output is still held here and is what explains the failure.
	if c.PackageFailures > 0 {
		for _, key := range sortedKeys(output) {
			if strings.HasSuffix(key, " ") || output[key].Len() == 0 {
				continue
			}
			_, _ = fmt.Fprintf(w, "--- unfinished %s\n%s", key, output[key].String())
		}
	}
	return c, nil
}

func packageResult(action string) string {
	switch action {
	case "pass":
		return "ok"
	case "skip":
		return "?"
	}
	return "FAIL"
}

// skipReason is the last message a skipped test logged before its "--- SKIP" line (t.Skip's).
func skipReason(output string) string {
	reason := ""
	for _, line := range strings.Split(output, "\n") {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		// go test prefixes logged lines with "file.go:123: ".
		if i := strings.Index(l, ".go:"); i > 0 && !strings.Contains(l[:i], " ") {
			if j := strings.Index(l[i+4:], ": "); j >= 0 {
				l = l[i+4+j+2:]
			}
		}
		reason = l
	}
	return reason
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
