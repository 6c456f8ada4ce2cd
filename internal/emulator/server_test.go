package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestCloseEndsWaitingRequests: a request held by the latency setting is
// answered 503 as soon as the Server is closed, later requests are refused,
// and no goroutine of the emulator's outlives Close.
func TestCloseEndsWaitingRequests(t *testing.T) {
	baseline := runtime.NumGoroutine()
	srv := emulator.New(emulator.Options{Latency: time.Hour})
	entered := make(chan struct{}, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		srv.ServeHTTP(w, r)
	}))
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", hs.URL+"/v2/droplets", nil)
		req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
		resp, err := hs.Client().Do(req)
		if err != nil {
			answered <- 0
			return
		}
		_ = resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-entered
	srv.Close()
	// A bound on how long to wait, not a timing assertion: without Close
	// the request would wait an hour.
	select {
	case code := <-answered:
		if code != http.StatusServiceUnavailable {
			t.Errorf("request waiting when the emulator closed: %d, want 503", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a request waiting for its latency was still waiting after Close")
	}
	if rec := httptestRecorder(srv, "/v2/droplets"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("request after Close: %d, want 503", rec.Code)
	}
	srv.Close() // a second Close is harmless
	hs.Close()
	hs.Client().CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}
