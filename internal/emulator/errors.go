package emulator

import (
	"errors"
	"net/http"
)

// Errors returned by the Go control methods; errors.Is matches them.
var (
	ErrNotFound     = errors.New("not found")
	ErrPendingEvent = errors.New("droplet already has a pending event")
	ErrInvalid      = errors.New("invalid request")
)

// httpError is an API error with its status and error id.
type httpError struct {
	status int
	id     string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// Is lets callers of the Go control methods use errors.Is with ErrNotFound,
// ErrPendingEvent and ErrInvalid.
func (e *httpError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.status == http.StatusNotFound
	case ErrPendingEvent:
		return e.msg == pendingEventMessage
	case ErrInvalid:
		return e.status == http.StatusUnprocessableEntity && e.msg != pendingEventMessage
	}
	return false
}

const (
	pendingEventMessage = "Droplet already has a pending event."
	nameMessage         = "Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
)

func invalid(msg string) *httpError {
	return &httpError{status: http.StatusUnprocessableEntity, id: "unprocessable_entity", msg: msg}
}

var (
	errNotFound  = &httpError{status: http.StatusNotFound, id: "not_found", msg: "The resource you requested could not be found."}
	errPending   = invalid(pendingEventMessage)
	errBadBody   = &httpError{status: http.StatusBadRequest, id: "bad_request", msg: "error parsing request body"}
	errForbidden = &httpError{status: http.StatusForbidden, id: "forbidden", msg: "You do not have access for the attempted action."}
)

func asHTTPError(err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	return &httpError{status: http.StatusInternalServerError, id: "server_error", msg: "Unexpected server-side error"}
}
