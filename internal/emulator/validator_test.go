package emulator_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

// TestValidatorCatchesViolations makes sure the spec check is not a no-op:
// an emulator response altered to break the spec must be reported.
func TestValidatorCatchesViolations(t *testing.T) {
	router := specRouter(t)
	srv := emulator.New(emulator.Options{Droplets: 1})
	exchange := func(path, mutate, with string) string {
		rec := httptestRecorder(srv, path)
		body := rec.Body.Bytes()
		if mutate != "" {
			if !bytes.Contains(body, []byte(mutate)) {
				t.Fatalf("%s: %q not in %s", path, mutate, body)
			}
			body = bytes.Replace(body, []byte(mutate), []byte(with), 1)
		}
		req := httptest.NewRequest("GET", path, nil)
		resp := &http.Response{StatusCode: rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(body))}
		return validateExchange(router, req, nil, resp, body)
	}
	if msg := exchange("/v2/droplets/100000", "", ""); msg != "" {
		t.Fatalf("unaltered response rejected: %s", msg)
	}
	// A powered-off droplet is valid once the bundle's `off` → false defect is corrected.
	if msg := exchange("/v2/droplets/100000", `"status":"active"`, `"status":"off"`); msg != "" {
		t.Errorf("status off rejected: %s", msg)
	}
	for _, c := range []struct{ path, from, to string }{
		{"/v2/droplets/100000", `"status":"active"`, `"status":"sleeping"`},
		{"/v2/droplets/100000", `"locked":false`, `"locked":"no"`},
		{"/v2/droplets/100000", `"created_at":"`, `"created_at":"x`},
		{"/v2/droplets/100000/backups/policy", `"hour":`, `"hour":3,"x":`},
		{"/v2/actions/3000000000", `"status":"completed"`, `"status":"done"`},
		{"/v2/droplets?per_page=1", `"meta":{"total":1}`, `"meta":{}`},
	} {
		msg := exchange(c.path, c.from, c.to)
		if msg == "" {
			t.Errorf("%s with %s not reported", c.path, c.to)
		}
	}
	// Empty-string timestamps and missing rate-limit headers are reported too.
	rec := httptestRecorder(srv, "/v2/actions/3000000000")
	body := bytes.Replace(rec.Body.Bytes(), []byte(`"started_at":"`), []byte(`"started_at":"","x":"`), 1)
	h := rec.Header().Clone()
	h.Del("RateLimit-Remaining")
	msg := validateExchange(router, httptest.NewRequest("GET", "/v2/actions/3000000000", nil), nil,
		&http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(body))}, body)
	if !strings.Contains(msg, "empty-string timestamp") || !strings.Contains(msg, "RateLimit-Remaining") {
		t.Errorf("not reported: %s", msg)
	}
}
