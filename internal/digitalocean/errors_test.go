package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// Each API answer class maps to one sentinel, and the APIError keeps status, message and
// request ID.
func TestErrorClassesFromAPI(t *testing.T) {
	for _, tc := range []struct {
		status  int
		body    string
		want    error
		message string
	}{
		{401, `{"id":"unauthorized","message":"Unable to authenticate you."}`, ErrUnauthorized, "Unable to authenticate you."},
		{403, `{"id":"forbidden","message":"You do not have access for the attempted action."}`, ErrForbidden, "You do not have access"},
		{404, `{"id":"not_found","message":"The resource you requested could not be found."}`, ErrNotFound, "could not be found"},
		{422, `{"id":"unprocessable_entity","message":"Size can not decrease"}`, ErrInvalid, "Size can not decrease"},
		{400, `{"id":"bad_request","message":"error parsing request body"}`, ErrInvalid, "error parsing"},
		{429, `{"id":"too_many_requests","message":"API rate limit exceeded."}`, ErrRateLimited, "rate limit exceeded"},
		{500, `{"id":"server_error","message":"Unexpected server-side error"}`, ErrServer, "Unexpected"},
		{503, `upstream unavailable`, ErrServer, "upstream unavailable"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("x-request-id", "req-123")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		c := newTestClient(t, Config{Token: "tok", APIEndpoint: srv.URL, HTTPRetryMax: 0})
		_, err := c.Droplet(ctxTimeout(t, 5*time.Second), 42)
		srv.Close()
		if !errors.Is(err, tc.want) {
			t.Errorf("%d: got %v, want %v", tc.status, err, tc.want)
			continue
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Errorf("%d: %T is no *APIError", tc.status, err)
			continue
		}
		if ae.StatusCode != tc.status || ae.RequestID != "req-123" || !strings.Contains(ae.Message, tc.message) {
			t.Errorf("%d: APIError %+v", tc.status, ae)
		}
		for _, part := range []string{"droplet 42", "GET /v2/droplets/42", tc.message, "req-123"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%d: message %q does not mention %q", tc.status, err, part)
			}
		}
	}
}

func TestErrorClassesFromEmulator(t *testing.T) {
	r := startEmulator(t, emulator.Options{ActionDuration: 50 * time.Millisecond})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	ctx := ctxTimeout(t, 10*time.Second)

	bad := testConfig(r)
	bad.Token = "wrong"
	if _, err := newTestClient(t, bad).Droplet(ctx, id); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong token: %v, want ErrUnauthorized", err)
	}

	c := newTestClient(t, testConfig(r))
	if _, err := c.BackupPolicy(ctx, id+999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown droplet: %v, want ErrNotFound", err)
	}
	if _, err := c.Execute(ctx, Job{DropletID: id + 999, Request: ActionRequest{Type: "reboot"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("action on unknown droplet: %v, want ErrNotFound", err)
	}
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "change_backup_policy", BackupPolicy: &Policy{Plan: "daily", Hour: intPtr(5)}}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("hour 5: %v, want ErrInvalid", err)
	}
	if _, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "resize"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("resize without size: %v, want ErrInvalid before any request", err)
	}

	r.Server.FailNextAction(id, "reboot")
	_, err := c.Execute(ctx, Job{DropletID: id, Request: ActionRequest{Type: "reboot"}})
	var ae *ActionError
	if !errors.Is(err, ErrActionErrored) || !errors.As(err, &ae) {
		t.Fatalf("failed action: %v, want an ActionError with ErrActionErrored", err)
	}
	if ae.DropletID != id || ae.ActionID == 0 || ae.Type != "reboot" || ae.Status != "errored" {
		t.Errorf("ActionError %+v", ae)
	}
	for _, part := range []string{"reboot", "droplet", "errored"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not mention %q", err, part)
		}
	}

	faulty := startEmulator(t, emulator.Options{FaultRate: 1})
	fc := testConfig(faulty)
	fc.HTTPRetryMax = 1
	if _, err := newTestClient(t, fc).Droplet(ctx, 1); !errors.Is(err, ErrServer) {
		t.Errorf("5xx: %v, want ErrServer", err)
	}
}

func TestRateLimitedWithoutRetries(t *testing.T) {
	r := startEmulator(t, emulator.Options{RateLimitPerMinute: 1})
	id := r.Server.CreateDroplet(emulator.DropletSpec{}).ID
	cfg := testConfig(r)
	cfg.HTTPRetryMax = 0
	c := newTestClient(t, cfg)
	ctx := ctxTimeout(t, 5*time.Second)
	if _, err := c.Droplet(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Godo().Droplets.Get(ctx, id)
	if !errors.Is(classify(err), ErrRateLimited) {
		t.Errorf("second request: %v, want ErrRateLimited", err)
	}
}

func TestClassifyContextErrors(t *testing.T) {
	if err := classify(context.DeadlineExceeded); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	if err := classify(context.Canceled); !errors.Is(err, context.Canceled) || errors.Is(err, ErrServer) {
		t.Errorf("canceled: %v", err)
	}
	if ambiguous(classify(context.Canceled)) {
		t.Error("a canceled request is not an ambiguous one")
	}
}

// Only the documented answer means "busy": status 422, id unprocessable_entity and the pending
// event message. Other refusals that mention a lock are errors to report, not reasons to wait.
func TestBusyRecognisedByIDAndMessage(t *testing.T) {
	for _, tc := range []struct {
		body string
		busy bool
	}{
		{`{"id":"unprocessable_entity","message":"Droplet already has a pending event."}`, true},
		{`{"id":"unprocessable_entity","message":"droplet already has a pending event"}`, true},
		{`{"id":"unprocessable_entity","message":"Image already has a pending event."}`, true},
		{`{"id":"unprocessable_entity","message":"Droplet is locked by an administrator."}`, false},
		{`{"id":"unprocessable_entity","message":"The volume is locked; a pending event exists."}`, false},
		{`{"id":"bad_request","message":"Droplet already has a pending event."}`, false},
		{`Droplet already has a pending event.`, false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(tc.body))
		}))
		c := newTestClient(t, Config{Token: "tok", APIEndpoint: srv.URL, HTTPRetryMax: 0})
		_, err := c.Droplet(ctxTimeout(t, 5*time.Second), 42)
		srv.Close()
		if got := errors.Is(err, ErrPendingEvent); got != tc.busy {
			t.Errorf("%s: busy = %v, want %v (%v)", tc.body, got, tc.busy, err)
		}
		if !tc.busy && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tc.body, err)
		}
		var ae *APIError
		if errors.As(err, &ae) && strings.HasPrefix(tc.body, "{") && ae.ID == "" {
			t.Errorf("%s: APIError without the error id", tc.body)
		}
	}
}
