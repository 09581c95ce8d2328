// Package project changes a gantry project's files: it adds endpoints from a
// data source and keeps their .proto files in step with the sources' schemas.
package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gantry-dev/gantry/internal/api"
	"github.com/gantry-dev/gantry/internal/config"
	"github.com/gantry-dev/gantry/internal/scaffold"
	"github.com/gantry-dev/gantry/internal/source"
)

// RegenerateCommand is the one command that turns .proto changes into code.
const RegenerateCommand = "make generate"

// AddOptions describes a new endpoint.
type AddOptions struct {
	ConfigPath string
	// RepoRoot holds buf.yaml and proto/.
	RepoRoot   string
	Name       string
	Source     config.Source
	Path       string   // REST path; default from the name
	PrimaryKey []string // optional
}

// Add reads the source's schema, writes the endpoint's .proto file and
// records the source in the configuration file. It returns the file
// written. An existing endpoint file is never overwritten.
func Add(ctx context.Context, o AddOptions) (string, error) {
	if err := scaffold.CheckName(o.Name); err != nil {
		return "", err
	}
	if err := checkRepo(o.RepoRoot); err != nil {
		return "", err
	}
	cfg, err := config.Load(o.ConfigPath)
	if err != nil {
		return "", err
	}
	if _, exists := cfg.Sources[o.Name]; exists {
		return "", fmt.Errorf("%s already has a source named %s", o.ConfigPath, o.Name)
	}
	rel := scaffold.FilePath(o.Name)
	file := filepath.Join(o.RepoRoot, filepath.FromSlash(rel))
	if _, err := os.Stat(file); err == nil {
		return "", fmt.Errorf("%s exists; edit it, or run `gantry build` to follow source changes", rel)
	}
	cols, err := sourceColumns(ctx, cfg, o.Source)
	if err != nil {
		return "", err
	}
	for _, k := range o.PrimaryKey {
		if !slices.ContainsFunc(cols, func(c source.Column) bool { return c.Name == k }) {
			return "", fmt.Errorf("--primary-key: the source has no column %q (columns: %s)", k, names(cols))
		}
	}
	ep := scaffold.Endpoint{Name: o.Name, Path: o.Path, Table: o.Name, PrimaryKey: o.PrimaryKey, Fields: fields(cols)}
	text, err := scaffold.Render(ep, nil)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(file, text, 0o644); err != nil {
		return "", err
	}
	if err := addSource(o.ConfigPath, o.Name, o.Source); err != nil {
		os.Remove(file)
		return "", err
	}
	return rel, nil
}

// BuildOptions controls Build.
type BuildOptions struct {
	ConfigPath    string
	RepoRoot      string
	AllowBreaking bool
	// Catalog holds the compiled endpoints, whose bindings (path, keys,
	// indexes) are kept.
	Catalog *api.Catalog
}

// Change is one endpoint file Build rewrote, or would rewrite.
type Change struct {
	File     string
	Endpoint string
}

// Build regenerates the .proto file of every configured source whose
// schema changed. Changes that would break existing clients are refused,
// with buf's reasons, unless AllowBreaking is set.
func Build(ctx context.Context, o BuildOptions) ([]Change, error) {
	if err := checkRepo(o.RepoRoot); err != nil {
		return nil, err
	}
	cfg, err := config.Load(o.ConfigPath)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	var changes []Change
	for _, e := range o.Catalog.Entries() {
		ep := e.Schema
		spec, ok := cfg.Sources[ep.Table]
		if !ok {
			continue
		}
		rel := scaffold.FilePath(ep.Name)
		previous, err := os.ReadFile(filepath.Join(o.RepoRoot, filepath.FromSlash(rel)))
		if errors.Is(err, os.ErrNotExist) {
			continue // not a scaffolded endpoint
		}
		if err != nil {
			return nil, err
		}
		cols, err := sourceColumns(ctx, cfg, spec)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %w", ep.Name, err)
		}
		next, err := scaffold.Render(bindingOf(e, cols), previous)
		if err != nil {
			return nil, fmt.Errorf("endpoint %s: %w", ep.Name, err)
		}
		if !bytes.Equal(next, previous) {
			files[rel] = next
			changes = append(changes, Change{File: rel, Endpoint: ep.Name})
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	if err := scaffold.Breaking(ctx, o.RepoRoot, files); err != nil {
		var be *scaffold.BreakingError
		if !errors.As(err, &be) || !o.AllowBreaking {
			return changes, err
		}
	}
	for rel, text := range files {
		if err := os.WriteFile(filepath.Join(o.RepoRoot, filepath.FromSlash(rel)), text, 0o644); err != nil {
			return changes, err
		}
	}
	return changes, nil
}

// bindingOf keeps an endpoint's path, keys and indexes, with the fields the
// source has now.
func bindingOf(e *api.Entry, cols []source.Column) scaffold.Endpoint {
	ep := e.Schema
	out := scaffold.Endpoint{Name: ep.Name, Path: ep.Path, Table: ep.Table, Fields: fields(cols)}
	for _, k := range ep.PrimaryKey {
		out.PrimaryKey = append(out.PrimaryKey, ep.Fields[k].Name)
	}
	for _, ix := range ep.Indexes {
		var cols []string
		for _, f := range ix {
			cols = append(cols, ep.Fields[f].Name)
		}
		out.Indexes = append(out.Indexes, cols)
	}
	return out
}

func sourceColumns(ctx context.Context, cfg config.Config, s config.Source) ([]source.Column, error) {
	// config.Source has source.Spec's fields, with YAML names.
	src, err := source.Open(source.Spec(s), cfg.Dir)
	if err != nil {
		return nil, err
	}
	return src.Schema(ctx)
}

func fields(cols []source.Column) []scaffold.Field {
	out := make([]scaffold.Field, len(cols))
	for i, c := range cols {
		out[i] = scaffold.Field{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return out
}

func names(cols []source.Column) string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

func checkRepo(root string) error {
	for _, p := range []string{"buf.yaml", "proto"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			return fmt.Errorf("%s has no %s: run this from the root of your gantry repository", root, p)
		}
	}
	return nil
}

// addSource adds name under `sources:` in the configuration file, keeping
// the rest of the file as it is.
func addSource(path, name string, s config.Source) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var entry bytes.Buffer
	enc := yaml.NewEncoder(&entry)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]sourceYAML{name: toYAML(s)}); err != nil {
		return err
	}
	indented := "  " + strings.ReplaceAll(strings.TrimRight(entry.String(), "\n"), "\n", "\n  ") + "\n"
	var out string
	switch {
	case bytes.Contains(data, []byte("\nsources:\n")) || bytes.HasPrefix(data, []byte("sources:\n")):
		i := bytes.Index(data, []byte("sources:\n")) + len("sources:\n")
		out = string(data[:i]) + indented + string(data[i:])
	default:
		if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
			data = append(data, '\n')
		}
		out = string(data) + "sources:\n" + indented
	}
	if _, err := config.Parse([]byte(out)); err != nil {
		return fmt.Errorf("could not add the source to %s (add it by hand): %w", path, err)
	}
	return os.WriteFile(path, []byte(out), 0o644)
}

type sourceYAML struct {
	Format      string            `yaml:"format,omitempty"`
	Path        string            `yaml:"path,omitempty"`
	URL         string            `yaml:"url,omitempty"`
	PasswordEnv string            `yaml:"password_env,omitempty"`
	Table       string            `yaml:"table,omitempty"`
	Query       string            `yaml:"query,omitempty"`
	Types       map[string]string `yaml:"types,omitempty"`
}

func toYAML(s config.Source) sourceYAML {
	return sourceYAML(s)
}
