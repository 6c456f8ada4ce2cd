package emulator

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Running is an emulator listening on a loopback port.
type Running struct {
	URL    string // http://127.0.0.1:PORT
	Server *Server

	httpServer *http.Server
	listener   net.Listener
	done       chan struct{}
}

// Start creates a Server and serves it on 127.0.0.1 at a free port.
func Start(opts Options) (*Running, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn is Start on a given loopback address. Non-loopback addresses are
// refused: the emulator accepts a fixed token and must not be reachable from
// other machines.
func StartOn(addr string, opts Options) (*Running, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := New(opts)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	r := &Running{
		URL:        "http://" + ln.Addr().String(),
		Server:     s,
		httpServer: hs,
		listener:   ln,
		done:       make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		_ = hs.Serve(ln)
	}()
	return r, nil
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.httpServer.Shutdown(ctx)
	if err != nil {
		_ = r.httpServer.Close()
	}
	<-r.done
	r.Server.Close()
	return err
}

// Close stops the server and the listener at once. The Server is closed
// first so that requests waiting out their latency end without waiting.
func (r *Running) Close() {
	r.Server.Close()
	_ = r.httpServer.Close()
	<-r.done
}

// CheckLoopback returns an error unless addr (host:port) names a loopback
// address ("localhost", 127.0.0.0/8 or ::1).
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback address: the emulator only listens on 127.0.0.1, ::1 or localhost", addr)
	}
	return nil
}
