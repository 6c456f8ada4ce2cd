package emulator_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// benchServer has 50 droplets and a few hundred actions, some running.
func benchServer(b *testing.B, opts emulator.Options) (*emulator.Server, int) {
	b.Helper()
	opts.Droplets = 50
	srv := emulator.New(opts)
	var last int
	for id := 100000; id < 100050; id++ {
		for _, typ := range []string{"reboot", "power_cycle", "snapshot"} {
			a, err := srv.StartAction(id, typ, 0)
			if err != nil {
				b.Fatal(err)
			}
			last = a.ID
		}
		if _, err := srv.StartAction(id, "reboot", 1<<62); err != nil { // in progress for good
			b.Fatal(err)
		}
	}
	return srv, last
}

// BenchmarkGetAction serves GET /v2/actions/{id} straight through the
// handler from parallel goroutines, with the program's default rate-limit
// bookkeeping switched off (a single token would hit 250/min at once).
func BenchmarkGetAction(b *testing.B) {
	benchGetAction(b, emulator.Options{})
}

// BenchmarkGetActionRateLimited is the same with limits high enough never to
// refuse, so the sliding windows are maintained on every request.
func BenchmarkGetActionRateLimited(b *testing.B) {
	benchGetAction(b, emulator.Options{RateLimitPerMinute: 1 << 30, RateLimitPerHour: 1 << 30})
}

// benchGetAction serves GET /v2/actions/{id} straight through the handler from parallel goroutines.
func benchGetAction(b *testing.B, opts emulator.Options) {
	srv, id := benchServer(b, opts)
	defer srv.Close()
	path := "/v2/actions/" + itoa(id)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", path, nil)
			r.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			if rec.Code != 200 {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkGetActionLoopback goes through a real loopback server and
// keep-alive HTTP clients.
func BenchmarkGetActionLoopback(b *testing.B) {
	srv, id := benchServer(b, emulator.Options{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	url := ts.URL + "/v2/actions/" + itoa(id)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
