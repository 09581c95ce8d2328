// Command gantry serves datasets as secured, typed APIs over REST, gRPC,
// gRPC-Web and Connect.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/server"
)

const usage = `gantry serves datasets as secured, typed APIs.

Usage:
  gantry run [--config FILE]                       start the server
  gantry load [--config FILE] [--table T] [--force]
                                                   load sources into the store
  gantry endpoint add NAME --source PATH|URL [flags]
                                                   write an endpoint's .proto from a source
  gantry build [--config FILE] [--allow-breaking]  follow source schema changes
  gantry api generate-token [--config FILE] [--ttl DURATION]
                                                   print a master token
  gantry help                                      show this help

The configuration file defaults to gantry.yaml in the working directory.
Run "gantry COMMAND --help" for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a command line mistake; the usage has been printed.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, "gantry:", err)
	return 1
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "run":
		return runServer(args[1:], stderr)
	case "load":
		return loadData(args[1:], stdout, stderr)
	case "endpoint":
		return endpointCommand(args[1:], stdout, stderr)
	case "build":
		return buildCommand(args[1:], stdout, stderr)
	case "api":
		if len(args) > 1 && args[1] == "generate-token" {
			return generateToken(args[2:], stdout, stderr)
		}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "gantry: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

func newFlags(name, summary string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := fs.String("config", config.DefaultPath, "configuration `FILE`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gantry %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs, cfg
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

func runServer(args []string, stderr io.Writer) error {
	fs, path := newFlags("run", "Starts the server. SIGINT or SIGTERM stops it gracefully.", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	tuneGC()

	start := time.Now()
	srv, err := server.New(ctx, server.Options{Config: cfg, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.Listen(); err != nil {
		return err
	}
	log.Info("ready", "app", cfg.AppName, "startup", time.Since(start).Round(time.Millisecond).String())
	return srv.Serve(ctx)
}

// gcPercent is the garbage collector's target when GOGC is not set. The
// server's live heap is small and steady (a few MB), while every request
// allocates its reply, so at Go's default of 100 the collector runs every
// few hundred requests. At 400 it runs a quarter as often, for a heap of at
// most five times the live one. docs/benchmarks.md shows the effect.
const gcPercent = 400

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func generateToken(args []string, stdout, stderr io.Writer) error {
	fs, path := newFlags("api generate-token",
		"Prints a master token, which reaches every endpoint and can mint restricted tokens.", stderr)
	ttl := fs.Duration("ttl", 24*time.Hour, "lifetime of the token, such as 1h or 30m")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ttl <= 0 {
		return fmt.Errorf("--ttl must be positive, got %s", *ttl)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	secret, err := server.Secret(cfg, log)
	if err != nil {
		return err
	}
	if secret == nil {
		return errors.New("api_security is not configured: add `api_security: !Jwt` under api in " + *path)
	}
	authority, err := auth.NewAuthority(secret, auth.Options{})
	if err != nil {
		return err
	}
	token, _, err := authority.Mint(auth.Access{All: true}, *ttl, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
