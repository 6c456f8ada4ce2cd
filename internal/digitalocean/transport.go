package digitalocean

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// The HTTP stack under godo, outermost first:
//
//	retryTransport   retries 429 always; 5xx and connection errors only for idempotent methods
//	limitTransport   waits for the Client's limiter before every attempt, feeds it the rate headers
//	authTransport    adds the bearer token to a copy of the request; the caller's request never holds it
//	logTransport     logs each attempt through Logger with Authorization redacted
//	http.Transport
//
// godo's own retries (WithRetryAndBackoffs) are not used: they panic without an oauth2 client,
// replace any custom transport, retry action POSTs after a 5xx (which can start an action twice),
// and happen below any wrapper, so they would bypass the request budget and the logs.

type retryTransport struct {
	next    http.RoundTripper
	max     int
	waitMin time.Duration
	waitMax time.Duration
	clock   clock
	limiter *limiter
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(ctx)
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			var be *budgetError
			if errors.As(err, &be) || ctx.Err() != nil {
				return nil, err
			}
		}
		if !t.shouldRetry(req, resp, err) || attempt >= t.max {
			return resp, err
		}
		wait := t.backoff(attempt, resp)
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			// The limiter already knows how long the server wants us to pause; it will hold
			// the next attempt (and every other request of the Client) until then, and release
			// them at the budget's pace. Check here that the pause fits the caller's deadline
			// so the error says why.
			if d, ok := retryAfter(resp.Header, t.clock.Now()); ok {
				wait = d
			} else {
				wait = 0
			}
		}
		if !fitsDeadline(ctx, t.clock, wait) {
			drain(resp)
			return nil, &budgetError{reason: retryReason(resp, err), wait: wait.Round(time.Millisecond).String()}
		}
		drain(resp)
		if err := sleep(ctx, t.clock, wait); err != nil {
			return nil, err
		}
	}
}

func retryReason(resp *http.Response, err error) string {
	if resp != nil {
		if resp.StatusCode == http.StatusTooManyRequests {
			return "DigitalOcean rate limit (429 Too Many Requests)"
		}
		return fmt.Sprintf("retrying after %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return fmt.Sprintf("retrying after %v", err)
}

func (t *retryTransport) shouldRetry(req *http.Request, resp *http.Response, err error) bool {
	if err != nil {
		// A POST whose connection failed may have reached the server: the caller decides.
		return idempotent(req.Method)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		// Refused before taking effect: safe to repeat for any method.
		return true
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return idempotent(req.Method)
	}
	return false
}

func (t *retryTransport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header, t.clock.Now()); ok {
			return d
		}
	}
	d := time.Duration(float64(t.waitMin) * math.Pow(2, float64(attempt)))
	if d > t.waitMax || d <= 0 {
		d = t.waitMax
	}
	return d
}

func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

type limitTransport struct {
	next    http.RoundTripper
	limiter *limiter
	// requests counts attempts that went out, for tests and benchmarks.
	requests *atomic.Int64
	server   *serverClock
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tk, err := t.limiter.wait(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	t.requests.Add(1)
	resp, err := t.next.RoundTrip(req)
	t.limiter.done(tk, resp)
	t.server.observe(resp)
	return resp, err
}

// serverClock estimates the API server's clock from the Date header of its answers, so an
// unsure start can tell actions that began before it from actions that began after it by the
// server's own timestamps.
type serverClock struct {
	clock  clock
	offset atomic.Int64 // server time minus local time, in nanoseconds, as last seen
	known  atomic.Bool
}

func (s *serverClock) observe(resp *http.Response) {
	if resp == nil {
		return
	}
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return
	}
	// The Date header is whole seconds, rounded down, and written before the answer arrives:
	// the true offset is at least this, and at most about a second more.
	s.offset.Store(int64(d.Sub(s.clock.Now())))
	s.known.Store(true)
}

// earliestStart returns the earliest server timestamp an action started at local time t can
// carry. DigitalOcean's timestamps are whole seconds, rounded down. Without a Date seen yet,
// it allows for a few seconds of clock difference.
func (s *serverClock) earliestStart(t time.Time) time.Time {
	if !s.known.Load() {
		return t.Add(-clockSkew)
	}
	// One second more than the rounding needs, for clocks that drift between answers.
	return t.Add(time.Duration(s.offset.Load())).Truncate(time.Second).Add(-time.Second)
}

type authTransport struct {
	next  http.RoundTripper
	token string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		// godo keeps resp.Request inside its ErrorResponse; point it at the request without
		// the token so no error value can carry it.
		resp.Request = req
	}
	return resp, err
}

// logTransport logs every attempt. Debug: one line per request with status and duration.
// Trace: headers (Authorization redacted) and bodies, truncated.
type logTransport struct {
	next   http.RoundTripper
	logger Logger
	token  string
	clock  clock
}

const maxLoggedBody = 4 << 10

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := t.clock.Now()
	var reqBody string
	if req.Body != nil && req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(b, maxLoggedBody))
			_ = b.Close()
			reqBody = string(data)
		}
	}
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"http_method":      req.Method,
		"http_url":         t.redact(req.URL.String()),
		"http_duration_ms": t.clock.Now().Sub(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = t.redact(err.Error())
		t.logger.Debug(ctx, "DigitalOcean API request failed", fields)
		return resp, err
	}
	fields["http_status"] = resp.StatusCode
	if id := resp.Header.Get("x-request-id"); id != "" {
		fields["request_id"] = id
	}
	if rem := resp.Header.Get("RateLimit-Remaining"); rem != "" {
		fields["ratelimit_remaining"] = rem
	}
	t.logger.Debug(ctx, "DigitalOcean API request", fields)

	trace := map[string]any{
		"http_method":      req.Method,
		"http_url":         t.redact(req.URL.String()),
		"request_headers":  t.headers(req.Header),
		"response_headers": t.headers(resp.Header),
		"http_status":      resp.StatusCode,
	}
	if reqBody != "" {
		trace["request_body"] = t.redact(reqBody)
	}
	if resp.Body != nil {
		// Read a prefix for the log and hand the caller the full body unchanged.
		prefix, rerr := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
		resp.Body = &prefixedBody{Reader: io.MultiReader(bytes.NewReader(prefix), resp.Body), closer: resp.Body}
		if rerr == nil {
			trace["response_body"] = t.redact(string(prefix))
		}
	}
	t.logger.Trace(ctx, "DigitalOcean API request details", trace)
	return resp, nil
}

type prefixedBody struct {
	io.Reader
	closer io.Closer
}

func (b *prefixedBody) Close() error { return b.closer.Close() }

func (t *logTransport) headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ", ")
		if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Cookie") || strings.EqualFold(k, "Set-Cookie") {
			v = "[REDACTED]"
		}
		out[k] = t.redact(v)
	}
	return out
}

// redact removes the token from any text that is about to be logged, whatever its source.
func (t *logTransport) redact(s string) string {
	if t.token == "" {
		return s
	}
	return strings.ReplaceAll(s, t.token, "[REDACTED]")
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}
