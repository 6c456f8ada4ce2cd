package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EmulatorSettings are the emulator program's flags that shape a measurement.
type EmulatorSettings struct {
	Latency            Duration            `json:"latency"`
	ActionDuration     Duration            `json:"action_duration"`
	ActionDurations    map[string]Duration `json:"action_durations,omitempty"`
	RateLimitPerMinute int                 `json:"rate_limit_per_minute"`
	RateLimitPerHour   int                 `json:"rate_limit_per_hour"`
}

// DurationFor is how long an action of the given type runs.
func (e EmulatorSettings) DurationFor(actionType string) Duration {
	if d, ok := e.ActionDurations[actionType]; ok {
		return d
	}
	return e.ActionDuration
}

// Stats is what GET /_emulator/stats reports.
type Stats struct {
	TotalRequests  int            `json:"total_requests"`
	Requests       map[string]int `json:"requests"`
	ActionsStarted map[string]int `json:"actions_started"`
	PeakPerMinute  int            `json:"peak_per_minute"`
	RateLimited    int            `json:"rate_limited"`
	Faults         int            `json:"faults"`
	LostResponses  int            `json:"lost_responses"`
}

// emulatorProc is one droplet-emulator child process.
type emulatorProc struct {
	cmd   *exec.Cmd
	url   string
	token string
	http  *http.Client
	done  chan struct{}
}

// startEmulator runs the emulator program on a free loopback port and waits for the line that
// names its URL.
func startEmulator(ctx context.Context, bin string, s EmulatorSettings, droplets int, token string, stderr io.Writer) (*emulatorProc, error) {
	args := []string{
		"-listen", "127.0.0.1:0",
		"-token", token,
		"-droplets", strconv.Itoa(droplets),
		"-latency", s.Latency.String(),
		"-action-duration", s.ActionDuration.String(),
		"-rate-limit-per-minute", strconv.Itoa(s.RateLimitPerMinute),
		"-rate-limit-per-hour", strconv.Itoa(s.RateLimitPerHour),
		"-seed", "1",
	}
	if len(s.ActionDurations) > 0 {
		var kv []string
		for k, v := range s.ActionDurations {
			kv = append(kv, k+"="+v.String())
		}
		sort.Strings(kv)
		args = append(args, "-action-durations", strings.Join(kv, ","))
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start emulator %s: %w", bin, err)
	}
	p := &emulatorProc{cmd: cmd, token: token, http: &http.Client{Timeout: 2 * time.Minute}, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r) // never let a full pipe block the emulator
		close(p.done)
	}()
	select {
	case line := <-lines:
		u, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
		if !ok || !strings.HasPrefix(u, "http://") {
			p.stop()
			return nil, fmt.Errorf("emulator printed %q, expected \"listening on http://HOST:PORT\"", strings.TrimSpace(line))
		}
		p.url = u
		return p, nil
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, errors.New("emulator did not print its address within 30 s")
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop ends the emulator this harness started: SIGTERM first (it shuts down cleanly), then kill.
func (p *emulatorProc) stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = terminate(p.cmd.Process)
	exited := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-exited
	}
}

// do sends one request. API requests carry the token; control endpoints need none.
func (p *emulatorProc) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(path, "/v2/") {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (p *emulatorProc) stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := p.do(ctx, http.MethodGet, "/_emulator/stats", nil, &s)
	return s, err
}

func (p *emulatorProc) resetStats(ctx context.Context) error {
	return p.do(ctx, http.MethodDelete, "/_emulator/stats", nil, nil)
}

// liftLimits removes rate limits, latency and action durations so that reaching a scenario's
// starting state is quick and leaves nothing in the rate-limit windows (requests made without a
// limit are not recorded in them). It returns the settings to restore.
func (p *emulatorProc) liftLimits(ctx context.Context) (json.RawMessage, error) {
	var saved json.RawMessage
	if err := p.do(ctx, http.MethodGet, "/_emulator/faults", nil, &saved); err != nil {
		return nil, err
	}
	lifted := map[string]any{
		"rate-limit-per-minute": 0,
		"rate-limit-per-hour":   0,
		"latency":               "0s",
		"action-duration":       "0s",
		"action-durations":      map[string]string{},
	}
	return saved, p.do(ctx, http.MethodPut, "/_emulator/faults", lifted, nil)
}

func (p *emulatorProc) restoreLimits(ctx context.Context, saved json.RawMessage) error {
	return p.do(ctx, http.MethodPut, "/_emulator/faults", saved, nil)
}

// createDroplets adds droplets through the control endpoint (not counted): without backups, or
// with the daily backups the benchmark's configuration asks for.
func (p *emulatorProc) createDroplets(ctx context.Context, n int, prefix string, backups bool) error {
	for i := range n {
		spec := map[string]any{"name": fmt.Sprintf("%s-%d", prefix, i+1), "tags": []string{"bench"}}
		if backups {
			spec["backups"] = true
			spec["backup_policy"] = map[string]any{"plan": "daily", "hour": 4}
		}
		if err := p.do(ctx, http.MethodPost, "/_emulator/droplets", spec, nil); err != nil {
			return err
		}
	}
	return nil
}

// droplets lists every droplet of the account through the API, in listing order, with what
// the official provider's configuration must repeat of each.
func (p *emulatorProc) droplets(ctx context.Context) ([]peerDroplet, error) {
	var all []peerDroplet
	for page := 1; ; page++ {
		var out struct {
			Droplets []struct {
				ID    int      `json:"id"`
				Name  string   `json:"name"`
				Tags  []string `json:"tags"`
				Image struct {
					Slug string `json:"slug"`
				} `json:"image"`
				Size struct {
					Slug string `json:"slug"`
				} `json:"size"`
				Region struct {
					Slug string `json:"slug"`
				} `json:"region"`
			} `json:"droplets"`
			Meta struct {
				Total int `json:"total"`
			} `json:"meta"`
		}
		if err := p.do(ctx, http.MethodGet, fmt.Sprintf("/v2/droplets?per_page=200&page=%d", page), nil, &out); err != nil {
			return nil, err
		}
		for _, d := range out.Droplets {
			all = append(all, peerDroplet{ID: d.ID, Name: d.Name, Size: d.Size.Slug, Image: d.Image.Slug,
				Region: d.Region.Slug, Tags: append([]string{}, d.Tags...)})
		}
		if len(out.Droplets) == 0 || len(all) >= out.Meta.Total {
			return all, nil
		}
	}
}

func ids(ds []peerDroplet) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// Duration is a time.Duration that reads and writes as "30ms" in JSON.
type Duration int64

func (d Duration) String() string { return time.Duration(d).String() }

// Seconds is the duration in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

func openLog(dir, name string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.Create(filepath.Join(dir, name))
}
