package emulator_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The bundled spec (testdata/openapi.yaml) is loaded once, with example
// validation disabled (one upstream example fails kin-openapi's check, see
// testdata/README.md), and then corrected in memory for the known defects
// below. Each correction is the narrowest change that lets a response the
// real API sends, or a request godo sends, through; nothing else is relaxed.
var spec struct {
	once   sync.Once
	router routers.Router
	doc    *openapi3.T
	err    error
}

func specRouter(t testing.TB) routers.Router {
	t.Helper()
	spec.once.Do(func() {
		ctx := context.Background()
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile("testdata/openapi.yaml")
		if err != nil {
			spec.err = fmt.Errorf("load spec: %w", err)
			return
		}
		if err := doc.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
			spec.err = fmt.Errorf("validate spec: %w", err)
			return
		}
		if err := patchSpecDefects(doc); err != nil {
			spec.err = err
			return
		}
		spec.doc = doc
		spec.router, spec.err = legacy.NewRouter(doc)
	})
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	return spec.router
}

func schema(doc *openapi3.T, name string) (*openapi3.Schema, error) {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("spec has no schema %s", name)
	}
	return ref.Value, nil
}

func property(doc *openapi3.T, schemaName, prop string) (*openapi3.Schema, error) {
	s, err := schema(doc, schemaName)
	if err != nil {
		return nil, err
	}
	p := s.Properties[prop]
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("schema %s has no property %s", schemaName, prop)
	}
	return p.Value, nil
}

// patchSpecDefects applies the exceptions, one per known defect of the spec.
func patchSpecDefects(doc *openapi3.T) error {
	// change_backup_policy is in the droplet-action discriminator
	// mapping but not in the base type enum, so every real
	// change_backup_policy request fails. enable_private_networking
	// left the spec in 2020 but godo (and the emulator) still accept it.
	typ, err := property(doc, "droplets_models_droplet_actions__droplet_action", "type")
	if err != nil {
		return err
	}
	typ.Enum = append(typ.Enum, "change_backup_policy", "enable_private_networking")
	for _, path := range []string{"/v2/droplets/{droplet_id}/actions", "/v2/droplets/actions"} {
		body := doc.Paths.Value(path).Post.RequestBody.Value.Content.Get("application/json").Schema.Value
		if body.Discriminator == nil {
			return fmt.Errorf("POST %s: no discriminator", path)
		}
		base := doc.Components.Schemas["droplets_models_droplet_actions__droplet_action"]
		body.Discriminator.Mapping["enable_private_networking"] = openapi3.MappingRef{Ref: "#/components/schemas/droplets_models_droplet_actions__droplet_action", Value: base.Value}
	}

	// godo's EnableBackupsWithPolicy/ChangeBackupPolicy always send
	// "weekday" and "plan", as "" when unset; the real API accepts that.
	for _, p := range []string{"plan", "weekday"} {
		s, err := property(doc, "droplets_models_droplet_backup_policy", p)
		if err != nil {
			return err
		}
		s.Enum = append(s.Enum, "")
	}

	// The spec predates the usage-based backup plans: their names join the
	// plan enum, and their writable window_length_hours and
	// retention_period_days (read-only in the spec) are let through in
	// requests. The emulator's names for them are partly guesses.
	plan, err := property(doc, "droplets_models_droplet_backup_policy", "plan")
	if err != nil {
		return err
	}
	plan.Enum = append(plan.Enum, "intra_daily_4h", "intra_daily_6h", "intra_daily_12h")
	for _, p := range []string{"window_length_hours", "retention_period_days"} {
		s, err := property(doc, "droplets_models_droplet_backup_policy", p)
		if err != nil {
			return err
		}
		s.ReadOnly = false
	}

	// next_backup_window is nullable inside an allOf wrapper, which
	// kin-openapi does not honour; the real API sends null when backups are
	// off. The wrapper itself is made nullable.
	nbw, err := property(doc, "droplets_models_droplet", "next_backup_window")
	if err != nil {
		return err
	}
	nbw.Nullable = true

	// The bundler read the droplet status enum value `off` as
	// YAML 1.1 boolean false (the source file droplet.yml says off), so a
	// powered-off droplet would fail validation. The value is restored.
	status, err := property(doc, "droplets_models_droplet", "status")
	if err != nil {
		return err
	}
	for i, v := range status.Enum {
		if v == false {
			status.Enum[i] = "off"
		}
	}

	// Bundling and the unwrapped image-action response schemas need no
	// change: the bundled file is valid, and the bare action schema has no
	// required fields, so the {"action": …} envelope passes as it is.
	// action.region is not nullable: the emulator always sends a full region object.
	// 422 is not declared on the action operations; it validates
	// against the operations' `default` error response.
	return nil
}

// validatingTransport checks every request godo sends and every response the
// emulator answers against the spec, and records which operations answered 2xx.
type validatingTransport struct {
	t      testing.TB
	base   http.RoundTripper
	router routers.Router
}

var covered = struct {
	sync.Mutex
	ops map[string]bool
}{ops: map[string]bool{}}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := vt.base.RoundTrip(req)
	if err != nil || strings.HasPrefix(req.URL.Path, "/_emulator/") {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if msg := validateExchange(vt.router, req, reqBody, resp, respBody); msg != "" {
		vt.t.Errorf("%s", msg)
	}
	return resp, nil
}

// validateExchange returns a description of every spec violation in one
// request/response pair ("" when there is none).
func validateExchange(router routers.Router, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) string {
	ctx := context.Background()
	// The spec's only server is https://api.digitalocean.com.
	vreq := req.Clone(ctx)
	vreq.URL.Scheme, vreq.URL.Host, vreq.Host = "https", "api.digitalocean.com", "api.digitalocean.com"
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		// Requests outside the spec (deliberate 404 probes) only need an error body.
		if resp.StatusCode == http.StatusNotFound {
			return ""
		}
		return fmt.Sprintf("%s %s: no route in spec: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	var problems []string
	// Requests the emulator accepted must be valid; deliberately invalid
	// ones (answered 4xx) are the point of some tests.
	if resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			problems = append(problems, fmt.Sprintf("request: %v", err))
		}
		covered.Lock()
		covered.ops[route.Operation.OperationID] = true
		covered.Unlock()
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(respBody)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		problems = append(problems, fmt.Sprintf("response %d: %v\nbody: %s", resp.StatusCode, err, truncate(respBody)))
	}
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if resp.Header.Get(h) == "" {
			problems = append(problems, "missing header "+h)
		}
	}
	if bytes.Contains(respBody, []byte(`_at":""`)) || bytes.Contains(respBody, []byte(`"start":""`)) || bytes.Contains(respBody, []byte(`"end":""`)) {
		problems = append(problems, "empty-string timestamp in "+truncate(respBody))
	}
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s violates the spec:\n%s", req.Method, req.URL.RequestURI(), strings.Join(problems, "\n"))
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// notImplemented are spec operations the emulator deliberately leaves out.
var notImplemented = []string{}

// TestMain checks, after a full run, that every operation of the spec was
// exercised with a successful, validated exchange.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && isFullRun() {
		if missing := uncoveredOperations(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: spec operations never validated with a 2xx response: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

func isFullRun() bool {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.run") || strings.HasPrefix(a, "-test.bench") || strings.HasPrefix(a, "-test.skip") {
			return false
		}
	}
	return spec.doc != nil
}

func uncoveredOperations() []string {
	covered.Lock()
	defer covered.Unlock()
	var missing []string
	for _, item := range spec.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if !covered.ops[op.OperationID] && !slices.Contains(notImplemented, op.OperationID) {
				missing = append(missing, op.OperationID)
			}
		}
	}
	sort.Strings(missing)
	return missing
}
