package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startProgram runs the program in-process and returns the URL it printed.
func startProgram(t *testing.T, args ...string) (string, chan struct{}, chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		err := run(args, pw, io.Discard, stop)
		_ = pw.CloseWithError(io.EOF)
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading first line: %v (run: %v)", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[0-9]+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line = %q", line)
	}
	return m[1], stop, done
}

func get(t *testing.T, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func TestServesSeededDroplets(t *testing.T) {
	url, stop, done := startProgram(t, "-droplets", "3")
	var body struct {
		Droplets []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"droplets"`
		Meta struct {
			Total int `json:"total"`
		} `json:"meta"`
	}
	if code := get(t, url+"/v2/droplets", "emulator-token", &body); code != 200 {
		t.Fatalf("status %d", code)
	}
	if len(body.Droplets) != 3 || body.Meta.Total != 3 || body.Droplets[0].Name != "droplet-1" {
		t.Errorf("droplets %+v", body)
	}
	if code := get(t, url+"/v2/droplets", "", nil); code != 401 {
		t.Errorf("without token: %d", code)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestFlags(t *testing.T) {
	url, stop, done := startProgram(t,
		"-token", "a,b", "-action-duration", "3s", "-action-durations", "snapshot=20s,resize=1m",
		"-rate-limit-per-minute", "7", "-rate-limit-per-hour", "70", "-fault-rate", "0.25",
		"-lost-response-rate", "0.5", "-errored-rate", "0.1", "-latency", "1ms", "-seed", "9",
		"-droplets", "2", "-ignore-shutdown", "100001", "-usage-based-backups=false")
	defer func() {
		close(stop)
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var f map[string]any
	if code := get(t, url+"/_emulator/faults", "", &f); code != 200 {
		t.Fatalf("faults: %d", code)
	}
	want := map[string]any{
		"action-duration": "3s", "rate-limit-per-minute": 7.0, "rate-limit-per-hour": 70.0, "fault-rate": 0.25,
		"lost-response-rate": 0.5, "errored-rate": 0.1, "latency": "1ms",
		"action-durations": map[string]any{"snapshot": "20s", "resize": "1m0s"}, "usage-based-backups": false,
	}
	for k, v := range want {
		if got, _ := json.Marshal(f[k]); string(got) != mustJSON(v) {
			t.Errorf("%s = %s, want %s", k, got, mustJSON(v))
		}
	}
	if code := get(t, url+"/v2/actions", "b", nil); code != 200 && code < 500 {
		t.Errorf("second token refused: %d", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:8080"},
		{"-listen", ":0"},
		{"-listen", "192.168.1.5:0"},
		{"-action-durations", "snapshot"},
		{"-action-durations", "snapshot=soon"},
		{"-action-durations", "snapshots=20s"},
		{"-usage-based-backups=maybe"},
		{"-fault-rate", "1.5"},
		{"-ignore-shutdown", "abc"},
		{"-token", " , "},
		{"-droplets", "-1"},
		{"extra"},
	} {
		err := run(args, io.Discard, io.Discard, nil)
		if err == nil {
			t.Errorf("%v accepted", args)
		}
		if args[0] == "-listen" && !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%v: error %q does not say why", args, err)
		}
	}
}

func TestSignalStopsCleanly(t *testing.T) {
	url, _, done := startProgram(t)
	if code := get(t, url+"/v2/actions", "emulator-token", nil); code != 200 {
		t.Fatalf("status %d", code)
	}
	// run has installed its handler before printing the URL.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not stop the program")
	}
}

// TestGuideDocumentsEveryFlag: the emulator guide's flag table lists exactly
// the program's flags, with the defaults the usage prints.
func TestGuideDocumentsEveryFlag(t *testing.T) {
	var usage strings.Builder
	if err := run([]string{"-h"}, io.Discard, &usage, nil); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	flags := map[string]string{} // name → default as the usage prints it ("" when none)
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)[^\n]*\n((?:    \t[^\n]*\n)+)`).FindAllStringSubmatch(usage.String(), -1) {
		def := ""
		if d := regexp.MustCompile(`\(default "?([^")]*)"?\)`).FindStringSubmatch(m[2]); d != nil {
			def = d[1]
		}
		flags[m[1]] = def
	}
	if len(flags) < 10 {
		t.Fatalf("read %d flags from the usage:\n%s", len(flags), usage.String())
	}
	guide, err := os.ReadFile("../../templates/guides/testing-with-the-emulator.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\| ([^|]*) \\|").FindAllStringSubmatch(string(guide), -1) {
		name, def := m[1], strings.Trim(strings.TrimSpace(m[2]), "`")
		documented[name] = true
		want, ok := flags[name]
		switch {
		case !ok:
			t.Errorf("the guide documents -%s, which the program does not have", name)
		case want != "" && def != want:
			t.Errorf("the guide gives -%s the default %q, the usage %q", name, def, want)
		}
	}
	for name := range flags {
		if !documented[name] {
			t.Errorf("-%s is not in the guide's flag table", name)
		}
	}
}
