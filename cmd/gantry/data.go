package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gantry-dev/gantry/gen/gantry/endpoints"
	"github.com/gantry-dev/gantry/internal/api"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/progress"
	"github.com/gantry-dev/gantry/internal/project"
	"github.com/gantry-dev/gantry/internal/scaffold"
	"github.com/gantry-dev/gantry/internal/server"
	"github.com/gantry-dev/gantry/internal/store"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func loadData(args []string, stdout, stderr io.Writer) error {
	fs, path := newFlags("load",
		"Loads configured sources (or the sample data) into the store. Each table is\n"+
			"replaced atomically: readers see the old rows or the new ones, and a failed\n"+
			"load keeps the old rows. Unchanged sources are skipped unless --force.", stderr)
	var tables listFlag
	fs.Var(&tables, "table", "load only this `TABLE` (repeatable)")
	force := fs.Bool("force", false, "reload tables whose source has not changed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	catalog, err := api.NewCatalog(endpoints.All())
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(cfg.HomeDir, "store.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	opts := server.LoadOptions{Tables: tables, Force: *force}
	if f, ok := stdout.(*os.File); ok && progress.IsTerminal(f) {
		opts.Terminal = stdout
	}
	return server.Load(ctx, cfg, log, catalog, st, opts)
}

func endpointCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, "Usage: gantry endpoint add NAME --source PATH|URL [flags]\n")
		return errUsage
	}
	fs, path := newFlags("endpoint add NAME",
		"Reads a source's schema, writes proto/dozer/generated/NAME/NAME.proto and adds\n"+
			"the source to the configuration. Run it from the repository root.", stderr)
	src := fs.String("source", "", "data: a CSV, JSON Lines or Parquet `file or glob`, or a postgres:// URL")
	format := fs.String("format", "", "csv, jsonl, parquet or postgres (default: from the source)")
	table := fs.String("table", "", "PostgreSQL `table` to read")
	query := fs.String("query", "", "PostgreSQL `SELECT` to read instead of a table")
	passwordEnv := fs.String("password-env", "", "environment `variable` holding the PostgreSQL password")
	restPath := fs.String("path", "", "REST `path` (default: /NAME with _ as -)")
	var pk listFlag
	fs.Var(&pk, "primary-key", "primary key `column` (repeatable); one column enables GET {path}/{id}")
	var types listFlag
	fs.Var(&types, "type", "override a column's type, `column=type` (repeatable): uint, int, float, "+
		"decimal, bool, string, text, timestamp, date, json")
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		fs.Usage()
		return errUsage
	}
	name := args[1]
	if err := parseFlags(fs, args[2:]); err != nil {
		return err
	}
	if *src == "" {
		fmt.Fprintln(stderr, "--source is required")
		fs.Usage()
		return errUsage
	}
	spec := config.Source{Format: *format, PasswordEnv: *passwordEnv, Table: *table, Query: *query}
	if strings.HasPrefix(*src, "postgres://") || strings.HasPrefix(*src, "postgresql://") {
		spec.URL = *src
	} else {
		spec.Path = *src
	}
	for _, t := range types {
		col, typ, ok := strings.Cut(t, "=")
		if !ok {
			return fmt.Errorf("--type %q: write column=type", t)
		}
		if spec.Types == nil {
			spec.Types = map[string]string{}
		}
		spec.Types[col] = typ
	}
	ctx, stop := signalContext()
	defer stop()
	file, err := project.Add(ctx, project.AddOptions{
		ConfigPath: *path, RepoRoot: ".", Name: name, Source: spec, Path: *restPath, PrimaryKey: pk,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and added source %q to %s\nnext: %s, then gantry run\n",
		file, name, *path, project.RegenerateCommand)
	return nil
}

func buildCommand(args []string, stdout, stderr io.Writer) error {
	fs, path := newFlags("build",
		"Regenerates the .proto file of every configured endpoint whose source schema\n"+
			"changed. A change that would break existing clients (a removed field, a\n"+
			"changed type or number) is refused unless --allow-breaking; buf breaking judges.", stderr)
	allow := fs.Bool("allow-breaking", false, "write changes that break existing clients")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	catalog, err := api.NewCatalog(endpoints.All())
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	changes, err := project.Build(ctx, project.BuildOptions{
		ConfigPath: *path, RepoRoot: ".", AllowBreaking: *allow, Catalog: catalog,
	})
	var be *scaffold.BreakingError
	if errors.As(err, &be) {
		return fmt.Errorf("%w\nthese changes would break existing clients; rerun with --allow-breaking to write them", err)
	}
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		fmt.Fprintln(stdout, "every endpoint matches its source")
		return nil
	}
	for _, c := range changes {
		fmt.Fprintf(stdout, "updated %s (endpoint %s)\n", c.File, c.Endpoint)
	}
	fmt.Fprintf(stdout, "next: %s, then gantry load\n", project.RegenerateCommand)
	return nil
}
