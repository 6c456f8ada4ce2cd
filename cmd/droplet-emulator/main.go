// Command droplet-emulator serves an in-memory DigitalOcean API (droplets,
// droplet actions, backups and backup policies, actions, image actions) on a
// loopback address, for testing Terraform modules and tools offline.
//
// Point a client at the printed URL with the token "emulator-token", e.g.
//
//	curl -H 'Authorization: Bearer emulator-token' http://127.0.0.1:PORT/v2/droplets
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "droplet-emulator:", err)
		os.Exit(2)
	}
}

// run parses args, serves until a signal arrives (or stop is closed, for
// tests) and shuts down cleanly.
func run(args []string, stdout, stderr io.Writer, stop <-chan struct{}) error {
	opts, listen, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	r, err := emulator.StartOn(listen, opts)
	if err != nil {
		return err
	}
	// Signals are caught before the URL is printed, so whoever waits for
	// that line can stop the program with SIGINT or SIGTERM at once.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	if _, err := fmt.Fprintf(stdout, "listening on %s\n", r.URL); err != nil {
		return err
	}
	select {
	case <-sig:
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (emulator.Options, string, error) {
	def := emulator.DefaultOptions()
	fs := flag.NewFlagSet("droplet-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on (host:port; port 0 picks a free one)")
	tokens := fs.String("token", emulator.DefaultToken, "accepted bearer tokens, comma-separated")
	droplets := fs.Int("droplets", 0, "number of droplets to create at start")
	actionDuration := fs.Duration("action-duration", def.ActionDuration, "how long an action stays in-progress")
	actionDurations := fs.String("action-durations", "", "per-type durations, e.g. snapshot=20s,resize=1m")
	latency := fs.Duration("latency", 0, "delay added to every API request")
	perMinute := fs.Int("rate-limit-per-minute", def.RateLimitPerMinute, "requests per token per minute (0 = unlimited)")
	perHour := fs.Int("rate-limit-per-hour", def.RateLimitPerHour, "requests per token per hour (0 = unlimited)")
	faultRate := fs.Float64("fault-rate", 0, "fraction of API requests answered 5xx before they take effect")
	lostRate := fs.Float64("lost-response-rate", 0, "fraction of action POSTs that take effect but whose response is lost")
	erroredRate := fs.Float64("errored-rate", 0, "fraction of actions that end errored")
	seed := fs.Int64("seed", 1, "seed for seeded droplets and fault decisions")
	ignore := fs.String("ignore-shutdown", "", "comma-separated droplet IDs (existing or future) whose guest ignores shutdown")
	usageBased := fs.Bool("usage-based-backups", true, "offer the usage-based backup plans (intra_daily_4h, _6h, _12h); false serves an account without them")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: droplet-emulator [flags]\n\nServes an in-memory DigitalOcean API on a loopback address.\n\n")
		fs.PrintDefaults()
		_, _ = fmt.Fprintf(fs.Output(), "\nThe control endpoints under /_emulator/ change most of these while it runs (PUT /_emulator/faults).\n")
	}
	if err := fs.Parse(args); err != nil {
		return emulator.Options{}, "", err
	}
	if fs.NArg() > 0 {
		return emulator.Options{}, "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := emulator.CheckLoopback(*listen); err != nil {
		return emulator.Options{}, "", err
	}
	opts := emulator.Options{
		ActionDuration:     *actionDuration,
		ActionDurations:    map[string]time.Duration{},
		Latency:            *latency,
		RateLimitPerMinute: *perMinute,
		RateLimitPerHour:   *perHour,
		FaultRate:          *faultRate,
		LostResponseRate:   *lostRate,
		ErroredRate:        *erroredRate,
		Seed:               *seed,
		Droplets:           *droplets,

		NoUsageBasedBackups: !*usageBased,
	}
	for _, t := range strings.Split(*tokens, ",") {
		if t = strings.TrimSpace(t); t != "" {
			opts.Tokens = append(opts.Tokens, t)
		}
	}
	if len(opts.Tokens) == 0 {
		return emulator.Options{}, "", errors.New("-token: at least one token is required")
	}
	if *actionDurations != "" {
		for _, kv := range strings.Split(*actionDurations, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || k == "" {
				return emulator.Options{}, "", fmt.Errorf("-action-durations: %q is not type=duration", kv)
			}
			if !slices.Contains(emulator.ActionTypes(), k) {
				return emulator.Options{}, "", fmt.Errorf("-action-durations: %q is not an action type (one of %s)", k, strings.Join(emulator.ActionTypes(), ", "))
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return emulator.Options{}, "", fmt.Errorf("-action-durations: %q: not a duration", kv)
			}
			opts.ActionDurations[k] = d
		}
	}
	for name, v := range map[string]float64{"-fault-rate": *faultRate, "-lost-response-rate": *lostRate, "-errored-rate": *erroredRate} {
		if v < 0 || v > 1 {
			return emulator.Options{}, "", fmt.Errorf("%s must be between 0 and 1", name)
		}
	}
	if *droplets < 0 || *perMinute < 0 || *perHour < 0 || *actionDuration < 0 || *latency < 0 {
		return emulator.Options{}, "", errors.New("-droplets, rate limits and durations must not be negative")
	}
	if *ignore != "" {
		for _, s := range strings.Split(*ignore, ",") {
			var id int
			if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d", &id); err != nil || id < 1 {
				return emulator.Options{}, "", fmt.Errorf("-ignore-shutdown: %q is not a droplet ID", s)
			}
			opts.IgnoreShutdown = append(opts.IgnoreShutdown, id)
		}
	}
	return opts, *listen, nil
}
