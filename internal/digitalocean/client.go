package digitalocean

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digitalocean/godo"
)

// DefaultEndpoint is the public DigitalOcean API.
const DefaultEndpoint = "https://api.digitalocean.com"

// Config configures a Client. Zero values mean defaults.
type Config struct {
	Token       string
	APIEndpoint string // default https://api.digitalocean.com

	// HTTPRetryMax is how often a failed idempotent request (5xx, connection error) and any
	// rate-limited request (429) is retried, and how often an action start whose outcome is
	// unknown is tried again after checking it did not begin. The value is used as given
	// (0 = no retries), since the provider always passes its own default (4).
	HTTPRetryMax     int
	HTTPRetryWaitMin time.Duration // default 1s
	HTTPRetryWaitMax time.Duration // default 30s

	// RequestsPerSecond paces all requests of the Client. 0 = no pacing.
	RequestsPerSecond float64
	// RequestBudgetPerMinute caps the account's requests within any 60 seconds, counting those
	// of other clients that the API's rate-limit headers reveal, so the provider never provokes
	// a 429 by itself. 0 = 200 (DigitalOcean allows 250), or more if the API advertises a
	// larger hourly limit; negative = no budget.
	RequestBudgetPerMinute int

	UserAgent string // "terraform-provider-droplet/<v> Terraform/<tfv>"; godo appends its own
	Logger    Logger // optional; the Authorization header and the token are always redacted

	// PollInterval is the longest interval between two polls of an in-flight action
	// (default 2s). The first poll comes sooner and intervals grow towards it.
	PollInterval time.Duration

	// clock replaces the wall clock in tests.
	clock clock
	// transport replaces the network in tests (an emulator served in process).
	transport http.RoundTripper
}

// Logger receives the HTTP traffic of the client. The provider passes one backed by tflog.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

// Client talks to DigitalOcean. It is safe for concurrent use; share one per provider
// configuration so every resource shares its waiter, batches and caches.
type Client struct {
	godo  *godo.Client
	clock clock
	// bgCtx carries the values (the provider's logger) of the context NewClient was given,
	// without its cancellation, for requests made on behalf of many callers: waiter polls and
	// batched reads.
	bgCtx    context.Context
	logger   Logger
	limiter  *limiter
	requests *atomic.Int64

	waiter   *waiter
	policies *policyReader
	finder   *finder
	claims   *claims
	server   *serverClock
	// maxActionID is the newest action ID this Client has seen. DigitalOcean's action IDs
	// grow, so an action at or below it began before anything started from now on.
	maxActionID atomic.Int64
	floorKnown  atomic.Bool
	floorMu     sync.Mutex

	// Retry settings, reused by Start when a POST's outcome is unknown.
	retries      int
	retryWaitMin time.Duration
	retryWaitMax time.Duration

	// The plans the account offers, read once (SupportedBackupPolicies).
	supportedMu      sync.Mutex
	supported        []SupportedPolicy
	supportedReading chan struct{} // closed when the read under way ends; nil when none is
}

// ValidateEndpoint checks an API endpoint: an absolute http(s) URL, where plain http is only
// allowed for loopback hosts (the token would otherwise cross the network in clear text).
func ValidateEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("API endpoint %q is not a valid URL: %w", endpoint, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("API endpoint %q must be an absolute URL such as %s", endpoint, DefaultEndpoint)
	}
	if u.User != nil {
		return fmt.Errorf("API endpoint must not contain credentials; set the token instead")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("API endpoint %q must not have a query or fragment", endpoint)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("API endpoint %q has no host", endpoint)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(host) {
			return nil
		}
		return fmt.Errorf("API endpoint %q uses plain http to a non-loopback host %q; the token would be sent unencrypted. Use https, or http only for 127.0.0.1, ::1 or localhost", endpoint, host)
	default:
		return fmt.Errorf("API endpoint %q has scheme %q; only https (or http for loopback hosts) is supported", endpoint, u.Scheme)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// baseURL returns endpoint as godo needs it: with a trailing slash, so a path prefix survives
// godo's relative URL resolution.
func baseURL(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// NewClient builds a Client from cfg. It makes no request.
func NewClient(ctx context.Context, cfg Config) (*Client, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, fmt.Errorf("%w: a DigitalOcean API token is required", ErrUnauthorized)
	}
	endpoint := cfg.APIEndpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if err := ValidateEndpoint(endpoint); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	base, err := baseURL(endpoint)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if cfg.RequestsPerSecond < 0 {
		return nil, fmt.Errorf("%w: requests per second must not be negative", ErrInvalid)
	}
	clk := cfg.clock
	if clk == nil {
		clk = realClock{}
	}
	retryMax := max(cfg.HTTPRetryMax, 0)
	waitMin, waitMax := cfg.HTTPRetryWaitMin, cfg.HTTPRetryWaitMax
	if waitMin <= 0 {
		waitMin = time.Second
	}
	if waitMax <= 0 {
		waitMax = 30 * time.Second
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	lim := newLimiter(cfg.RequestsPerSecond, cfg.RequestBudgetPerMinute, clk)
	c := &Client{
		bgCtx:        context.WithoutCancel(ctx),
		clock:        clk,
		logger:       cfg.Logger,
		limiter:      lim,
		requests:     &atomic.Int64{},
		claims:       newClaims(clk),
		server:       &serverClock{clock: clk},
		retries:      retryMax,
		retryWaitMin: waitMin,
		retryWaitMax: waitMax,
	}
	if c.logger == nil {
		c.logger = nopLogger{}
	}

	rt := cfg.transport
	if rt == nil {
		rt = http.DefaultTransport
		if t, ok := rt.(*http.Transport); ok {
			rt = t.Clone()
		}
	}
	if cfg.Logger != nil {
		rt = &logTransport{next: rt, logger: cfg.Logger, token: token, clock: clk}
	}
	rt = &authTransport{next: rt, token: token}
	rt = &limitTransport{next: rt, limiter: lim, requests: c.requests, server: c.server}
	rt = &retryTransport{next: rt, max: retryMax, waitMin: waitMin, waitMax: waitMax, clock: clk, limiter: lim}
	rt = errorIDTransport{next: rt}

	ua := cfg.UserAgent
	if ua == "" {
		ua = "terraform-provider-droplet/dev"
	}
	gc, err := godo.New(&http.Client{Transport: rt}, godo.SetUserAgent(ua))
	if err != nil {
		return nil, fmt.Errorf("building the DigitalOcean client: %w", err)
	}
	gc.BaseURL = base
	c.godo = gc

	c.waiter = newWaiter(c, cfg.PollInterval)
	c.policies = newPolicyReader(c)
	c.finder = &finder{c: c}
	return c, nil
}

// Godo returns the underlying godo client. Its requests share this Client's retries, pacing,
// budget and logging. Like every request of this package, a POST through it is not retried
// after a 5xx or a lost connection (it may have taken effect); use Start for actions.
func (c *Client) Godo() *godo.Client { return c.godo }

// Requests reports how many HTTP requests this Client has sent (every attempt counts).
func (c *Client) Requests() int64 { return c.requests.Load() }

// PeakRequestsPerMinute reports the most requests this Client sent within one minute.
func (c *Client) PeakRequestsPerMinute() int { return c.limiter.peakPerMinute() }

// sawActions records action IDs seen in an answer.
func (c *Client) sawActions(as ...godo.Action) {
	for _, a := range as {
		for {
			cur := c.maxActionID.Load()
			if int64(a.ID) <= cur || c.maxActionID.CompareAndSwap(cur, int64(a.ID)) {
				break
			}
		}
	}
}

// do sends a request built with godo and decodes the answer into v, classifying errors.
//
//nolint:unparam // the response is returned as godo's calls return it, for callers that need its headers.
func (c *Client) do(ctx context.Context, method, path string, body, v any) (*godo.Response, error) {
	req, err := c.godo.NewRequest(ctx, method, path, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	resp, err := c.godo.Do(ctx, req, v)
	if err != nil {
		return resp, classify(err)
	}
	return resp, nil
}
