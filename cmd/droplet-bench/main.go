// Command droplet-bench measures the provider with the real terraform binary against the emulator
// program, beside the official DigitalOcean provider when -peer names its binary, and prints the
// figures as tables, JSON and an SVG chart. `make bench` builds the binaries and runs it; see
// BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dropletops/terraform-provider-droplet/internal/bench"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "droplet-bench:", err)
		if errors.Is(err, bench.ErrTargetsMissed) {
			os.Exit(1)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	def := bench.DefaultEmulatorSettings()
	fs := flag.NewFlagSet("droplet-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	terraform := fs.String("terraform", "terraform", "terraform binary")
	provider := fs.String("provider", ".bench/bin/terraform-provider-droplet", "provider binary")
	emulatorBin := fs.String("emulator", ".bench/bin/droplet-emulator", "droplet-emulator binary")
	workDir := fs.String("workdir", ".bench", "directory for workspaces, logs and the CLI configuration")
	out := fs.String("out", ".bench/results.json", "where to write the JSON report")
	chart := fs.String("chart", ".bench/scale.svg", "where to write the chart of wall time and requests against droplet count")
	peer := fs.String("peer", "", "the official provider's binary (terraform-provider-digitalocean), measured beside this one; empty: none")
	scenarios := fs.String("scenarios", "", "comma-separated scenario IDs to run (default: all)")
	short := fs.Bool("short", false, "divide every scenario's size by ten: a quick smoke run")
	latency := fs.Duration("latency", time.Duration(def.Latency), "emulator latency per request")
	actionDuration := fs.Duration("action-duration", time.Duration(def.ActionDuration), "how long actions run")
	snapshot := fs.Duration("snapshot-duration", time.Duration(def.ActionDurations["snapshot"]), "how long snapshot actions run")
	timeout := fs.Duration("timeout", 30*time.Minute, "limit for each terraform command")
	strict := fs.Bool("strict", false, "exit with status 1 when a target is missed")
	list := fs.Bool("list", false, "list the scenarios and exit")
	commit := fs.String("commit", "", "what was measured, for the report (default: git describe --always --dirty)")
	providerLog := fs.String("provider-log", "", "write the provider's log at this level (trace, debug) to .bench/logs; slows runs, for diagnosis only")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: droplet-bench [flags]\n\nScenarios: %s\n\n", ids(bench.Standard(false)))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	selected, err := bench.Select(bench.Standard(*short), *scenarios)
	if err != nil {
		return err
	}
	if *list {
		for _, s := range bench.WithTitles(selected) {
			if _, err := fmt.Fprintf(stdout, "%-16s %s\n", s.ID, s.Title); err != nil {
				return err
			}
		}
		return nil
	}

	emu := def
	emu.Latency, emu.ActionDuration = bench.Duration(*latency), bench.Duration(*actionDuration)
	emu.ActionDurations = map[string]bench.Duration{"snapshot": bench.Duration(*snapshot)}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Execute(ctx, bench.Settings{
		Terraform: *terraform, Provider: *provider, Emulator: *emulatorBin, Peer: *peer, WorkDir: *workDir,
		Emulated: emu, CommandTimeout: *timeout, Progress: stderr, ProviderLogLevel: *providerLog,
	}, selected)
	if rep != nil {
		rep.Command = "droplet-bench " + strings.Join(args, " ")
		if *commit != "" {
			rep.Machine.Commit = *commit
		}
		// The JSON first: it is the record, and must not be lost to a broken stdout.
		if werr := rep.WriteJSON(*out); werr != nil {
			return errors.Join(err, werr)
		}
		if werr := rep.WriteSVG(*chart); werr != nil {
			return errors.Join(err, werr)
		}
		if werr := rep.WriteTables(stdout); werr != nil {
			return errors.Join(err, werr)
		}
		if _, werr := fmt.Fprintf(stdout, "\nJSON: %s\nChart: %s\n", *out, *chart); werr != nil {
			return errors.Join(err, werr)
		}
	}
	if err != nil {
		return err
	}
	if *strict && !rep.Passed() {
		return bench.ErrTargetsMissed
	}
	return nil
}

func ids(ss []bench.Scenario) string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return strings.Join(out, ", ")
}
