package digitalocean

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/digitalocean/godo"
)

// Sentinel errors. Every error returned by this package is classified once, at the point
// where the API answered, so callers only ever need errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrUnauthorized  = errors.New("unauthorized: the token was rejected")
	ErrForbidden     = errors.New("forbidden: the token lacks a required scope")
	ErrPendingEvent  = errors.New("droplet already has a pending event")
	ErrRateLimited   = errors.New("rate limited")
	ErrInvalid       = errors.New("invalid request")
	ErrActionErrored = errors.New("action errored")
	ErrTimeout       = errors.New("timed out")
	// ErrServer marks 5xx answers and lost connections: the API may or may not have acted.
	ErrServer = errors.New("DigitalOcean API unavailable")
)

// A busy droplet is a 422 with this error id and one of these messages (compared without case
// and trailing period). Other 422s share the id, so the message decides; a 422 that merely
// mentions "locked" is a refusal, not a reason to wait.
const (
	busyErrorID         = "unprocessable_entity"
	pendingEventMessage = "droplet already has a pending event"
	// The emulator answers image actions on a busy image like this; DigitalOcean documents only
	// the droplet message.
	imagePendingEventMessage = "image already has a pending event"
)

// APIError is a non-2xx answer of the API. It carries what a user needs to report the problem
// (status, message, request ID) and never the request headers, so the token cannot leak through it.
type APIError struct {
	StatusCode int
	// ID is the error body's "id", such as "not_found" or "unprocessable_entity".
	ID        string
	Message   string
	RequestID string
	// Request is "METHOD /path" of the failed call, e.g. "POST /v2/droplets/42/actions".
	Request string
	// Err is the sentinel this answer was classified as (ErrNotFound, ErrInvalid, ...).
	Err error
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("DigitalOcean API")
	if e.Request != "" {
		b.WriteString(" ")
		b.WriteString(e.Request)
	}
	fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request ID %s)", e.RequestID)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// ActionError reports an action that did not complete: it errored, or the wait for it ended
// (deadline or cancellation) while it was still running.
type ActionError struct {
	DropletID int
	ActionID  int
	Type      string
	Status    string // last status seen, e.g. "in-progress" or "errored"
	Err       error  // ErrActionErrored, ErrTimeout, or context.Canceled

	// cause is the context error behind ErrTimeout, so errors.Is(err, context.DeadlineExceeded)
	// keeps working for callers that test the standard error.
	cause error
	// resourceType is "image" for image actions, so the message names the right thing.
	resourceType string
}

func (e *ActionError) Error() string {
	what := "action"
	if e.Type != "" {
		what = e.Type + " action"
	}
	subject := fmt.Sprintf("droplet %d", e.DropletID)
	if e.resourceType == "image" {
		subject = fmt.Sprintf("image %d", e.DropletID)
	}
	status := e.Status
	if status == "" {
		status = "unknown"
	}
	switch {
	case errors.Is(e.Err, ErrActionErrored):
		return fmt.Sprintf("%s %d on %s ended with status %q", what, e.ActionID, subject, status)
	case errors.Is(e.Err, ErrTimeout):
		return fmt.Sprintf("timed out waiting for %s %d on %s; last status %q (the action may still finish on DigitalOcean)", what, e.ActionID, subject, status)
	case errors.Is(e.Err, context.Canceled):
		return fmt.Sprintf("canceled while waiting for %s %d on %s; last status %q (the action may still finish on DigitalOcean)", what, e.ActionID, subject, status)
	default:
		return fmt.Sprintf("%s %d on %s (last status %q): %v", what, e.ActionID, subject, status, e.Err)
	}
}

func (e *ActionError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// waitError builds the error for a wait that ended because ctx ended.
func waitError(ctx context.Context, a *godo.Action) error {
	ae := &ActionError{ActionID: a.ID, DropletID: a.ResourceID, Type: a.Type, Status: a.Status, resourceType: a.ResourceType}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		ae.Err = ErrTimeout
		ae.cause = context.DeadlineExceeded
	} else {
		ae.Err = context.Canceled
	}
	return ae
}

// erroredError builds the error for an action that ended "errored".
func erroredError(a *godo.Action) error {
	return &ActionError{ActionID: a.ID, DropletID: a.ResourceID, Type: a.Type, Status: a.Status, Err: ErrActionErrored, resourceType: a.ResourceType}
}

// budgetError is returned when a client-side wait (rate limit, request budget, pending event)
// would last beyond the caller's deadline: waiting would only fail later and less clearly.
type budgetError struct {
	reason string
	wait   string
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("%s: the next request could be sent in %s, which is after the deadline", e.reason, e.wait)
}

// Unwrap makes it an ErrRateLimited only: no request went out, so nothing is left running on
// DigitalOcean (unlike ErrTimeout, which means an action may still be under way).
func (e *budgetError) Unwrap() error { return ErrRateLimited }

// classify turns whatever godo or the transport returned into an error of this package.
// It is idempotent: already classified errors pass through unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	var acte *ActionError
	if errors.As(err, &acte) {
		return err
	}
	var be *budgetError
	if errors.As(err, &be) {
		return be
	}
	var er *godo.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return fromErrorResponse(er)
	}
	var arg *godo.ArgError
	if errors.As(err, &arg) {
		return fmt.Errorf("%w: %s", ErrInvalid, arg.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	// Anything else is a transport failure (refused, reset, EOF): ambiguous for a POST.
	return fmt.Errorf("%w: %w", ErrServer, err)
}

func fromErrorResponse(er *godo.ErrorResponse) *APIError {
	status := er.Response.StatusCode
	msg := er.Message
	if msg == "" && er.NestedError != nil {
		msg = er.NestedError.Message
	}
	e := &APIError{StatusCode: status, ID: er.Response.Header.Get(errorIDHeader), Message: msg, RequestID: er.RequestID}
	if req := er.Response.Request; req != nil && req.URL != nil {
		e.Request = req.Method + " " + req.URL.Path
	}
	switch {
	case status == http.StatusUnauthorized:
		e.Err = ErrUnauthorized
	case status == http.StatusForbidden:
		e.Err = ErrForbidden
	case status == http.StatusNotFound:
		e.Err = ErrNotFound
	case status == http.StatusTooManyRequests:
		e.Err = ErrRateLimited
	case status == http.StatusUnprocessableEntity && isPendingEvent(e.ID, msg):
		e.Err = ErrPendingEvent
	case status >= 500:
		e.Err = ErrServer
	case status >= 400:
		e.Err = ErrInvalid
	default:
		e.Err = ErrServer
	}
	return e
}

func isPendingEvent(id, msg string) bool {
	if id != busyErrorID {
		return false
	}
	m := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(msg), "."))
	return m == pendingEventMessage || m == imagePendingEventMessage
}

// errorIDHeader carries the error body's "id" from errorIDTransport to classify: godo's
// ErrorResponse keeps the response but drops that field. Only this package reads it.
const errorIDHeader = "X-Droplet-Provider-Error-Id"

// maxErrorBody bounds how much of an error answer is read ahead of godo.
const maxErrorBody = 64 << 10

// errorIDTransport reads the "id" of error answers ahead of godo, and leaves the body for godo
// to read as before.
type errorIDTransport struct{ next http.RoundTripper }

func (t errorIDTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp == nil || resp.StatusCode < 400 || resp.Body == nil {
		return resp, err
	}
	prefix, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(prefix), resp.Body), resp.Body}
	var body struct {
		ID string `json:"id"`
	}
	// A body that cannot be read is godo's to report; only a readable one can carry an id.
	if rerr == nil && json.Unmarshal(prefix, &body) == nil && body.ID != "" {
		resp.Header.Set(errorIDHeader, body.ID)
	}
	return resp, nil
}

// ambiguous reports whether a failed POST may have taken effect on the server: the answer was
// lost (connection error, 5xx) rather than a clear refusal.
func ambiguous(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var be *budgetError
	if errors.As(err, &be) {
		return false
	}
	return errors.Is(err, ErrServer)
}
