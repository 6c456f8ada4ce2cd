package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// The emulator guide's control examples are run here as they are written,
// so that what the guide tells a user to send is what the emulator takes.
const guidePath = "../../templates/guides/testing-with-the-emulator.md.tmpl"

// guideAddress is the address the guide's examples use.
const guideAddress = "http://127.0.0.1:43127"

// startAsGuide starts an emulator as the guide starts one
// (droplet-emulator -droplets 4 -action-duration 1s).
func startAsGuide(t *testing.T) *emulator.Running {
	t.Helper()
	o := emulator.DefaultOptions()
	o.Droplets, o.ActionDuration = 4, time.Second
	run, err := emulator.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.Close)
	return run
}

func readGuide(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(guidePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGuideControlTable sends every row of the guide's control endpoint
// table, with its example body, to an emulator of its own.
func TestGuideControlTable(t *testing.T) {
	guide := readGuide(t)
	start := strings.Index(guide, "| Endpoint | Example body | Effect |")
	if start < 0 {
		t.Fatal("the guide has no control endpoint table")
	}
	table, _, _ := strings.Cut(guide[start:], "\n\n")
	row := regexp.MustCompile("^\\| `(GET|PUT|POST|DELETE) (/_emulator/[^`]*)` \\| (none|`([^`]*)`) \\|")
	n := 0
	for _, line := range strings.Split(table, "\n")[2:] {
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("table row not understood: %s", line)
			continue
		}
		n++
		method, path, body := m[1], strings.ReplaceAll(m[2], "{id}", "100000"), m[4]
		t.Run(method+" "+m[2], func(t *testing.T) {
			run := startAsGuide(t)
			if path == "/_emulator/droplets/100000/lock" && method == http.MethodDelete {
				if _, err := run.Server.LockDroplet(100000, emulator.LockOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			code, resp := send(t, method, run.URL+path, body, nil)
			if code/100 != 2 {
				t.Errorf("%s %s %s: %d %s", method, path, body, code, resp)
			}
		})
	}
	if n < 13 {
		t.Errorf("only %d control endpoints in the guide's table", n)
	}
}

// TestGuideCurlExamples runs the guide's curl commands in order against one
// emulator started as the guide starts it. A comment line after a command
// is its expected answer: "# HTTP 422: {…}" for an error, "# {…}" for a
// success, where "..." stands for whatever else the answer holds.
func TestGuideCurlExamples(t *testing.T) {
	run := startAsGuide(t)
	cmds := guideCurls(t, readGuide(t))
	if len(cmds) < 7 {
		t.Fatalf("only %d curl examples found in the guide", len(cmds))
	}
	for _, c := range cmds {
		method, url, body, header := parseCurl(t, c.words)
		if !strings.HasPrefix(url, guideAddress) {
			t.Errorf("curl example not on the guide's address: %v", c.words)
			continue
		}
		code, resp := send(t, method, run.URL+strings.TrimPrefix(url, guideAddress), body, header)
		wantStatus, want := 0, ""
		if c.expect != "" {
			wantStatus, want = expectedAnswer(c.expect)
		}
		switch {
		case wantStatus == 0 && code/100 != 2, wantStatus != 0 && code != wantStatus:
			t.Errorf("%s %s %s: %d %s (want %s)", method, url, body, code, resp, c.expect)
			continue
		}
		if want != "" {
			if err := matchesExample(want, resp); err != nil {
				t.Errorf("%s %s %s: answer %s does not match the guide's %s: %v", method, url, body, resp, c.expect, err)
			}
		}
	}
}

type guideCurl struct {
	words  []string
	expect string // the comment after the command, without "# "
}

// guideCurls finds the curl commands in the guide's shell blocks.
func guideCurls(t *testing.T, guide string) []guideCurl {
	var out []guideCurl
	for _, block := range regexp.MustCompile("(?s)```shell\n(.*?)```").FindAllStringSubmatch(guide, -1) {
		for _, c := range shellCommands(t, block[1]) {
			if len(c.words) > 0 && c.words[0] == "curl" {
				out = append(out, c)
			} else if len(out) > 0 && len(c.words) == 0 && c.expect != "" && out[len(out)-1].expect == "" {
				out[len(out)-1].expect = c.expect
			}
		}
	}
	return out
}

// shellCommands splits a shell block into commands (words after quote
// removal; a backslash before a newline continues the command) and comment
// lines, each its own entry with no words.
func shellCommands(t *testing.T, src string) []guideCurl {
	var out []guideCurl
	var words []string
	var word strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCommand := func() {
		flush()
		if len(words) > 0 {
			out = append(out, guideCurl{words: words})
			words = nil
		}
	}
	for i := 0; i < len(src); i++ {
		switch ch := src[i]; {
		case ch == '\\' && i+1 < len(src) && src[i+1] == '\n':
			flush()
			i++
		case ch == '\n':
			endCommand()
		case ch == ' ' || ch == '\t':
			flush()
		case ch == '#' && !inWord:
			endCommand()
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			out = append(out, guideCurl{expect: strings.TrimSpace(src[i+1 : i+end])})
			i += end - 1
		case ch == '\'':
			end := strings.IndexByte(src[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unterminated quote in the guide: %s", src[i:])
			}
			word.WriteString(src[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case ch == '"':
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				word.WriteByte(src[j])
			}
			inWord = true
			i = j
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	endCommand()
	return out
}

// parseCurl reads the options the guide uses: -s, -X, -H, -d and the URL.
func parseCurl(t *testing.T, words []string) (method, url, body string, header http.Header) {
	header = http.Header{}
	method = http.MethodGet
	for i := 1; i < len(words); i++ {
		switch w := words[i]; {
		case w == "-s":
		case (w == "-X" || w == "-H" || w == "-d") && i+1 < len(words):
			i++
			switch w {
			case "-X":
				method = words[i]
			case "-H":
				k, v, _ := strings.Cut(words[i], ":")
				header.Set(k, strings.TrimSpace(v))
			case "-d":
				body = words[i]
				if method == http.MethodGet {
					method = http.MethodPost // as curl does
				}
			}
		case strings.HasPrefix(w, "http"):
			url = w
		default:
			t.Fatalf("curl option the guide test does not know: %q in %v", w, words)
		}
	}
	return method, url, body, header
}

// expectedAnswer splits "HTTP 422: {…}" into the status and the JSON.
func expectedAnswer(s string) (int, string) {
	if m := regexp.MustCompile(`^HTTP (\d{3}): (.*)$`).FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 0, s
}

// matchesExample checks that the answer holds everything the example shows.
// "..." outside a string stands for more fields; a string ending in "..." is
// a prefix.
func matchesExample(example string, answer []byte) error {
	var want, got any
	if err := json.Unmarshal([]byte(dropEllipses(example)), &want); err != nil {
		return fmt.Errorf("the guide's example is not JSON with ellipses: %v", err)
	}
	if err := json.Unmarshal(answer, &got); err != nil {
		return err
	}
	return subset(want, got, "")
}

// dropEllipses removes "..." (and the comma before it) outside strings.
func dropEllipses(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch {
		case in && s[i] == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i++
			continue
		case s[i] == '"':
			in = !in
		case !in && strings.HasPrefix(s[i:], "..."):
			out := strings.TrimRight(b.String(), " ")
			out = strings.TrimSuffix(out, ",")
			b.Reset()
			b.WriteString(out)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func subset(want, got any, path string) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: not an object", path)
		}
		for k, v := range w {
			if err := subset(v, g[k], path+"."+k); err != nil {
				return err
			}
		}
	case string:
		g, ok := got.(string)
		if p, cut := strings.CutSuffix(w, "..."); ok && cut && strings.HasPrefix(g, p) {
			return nil
		}
		if !ok || g != w {
			return fmt.Errorf("%s = %v, want %q", path, got, w)
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	return nil
}

// send makes one request and returns the status and the body.
func send(t *testing.T, method, url, body string, header http.Header) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, bytes.TrimSpace(b)
}
