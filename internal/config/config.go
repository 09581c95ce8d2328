// Package config loads gantry's YAML configuration. Keys follow Dozer's
// configuration where Dozer has one, so existing files keep working.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultPath is the file `gantry run` reads when no --config is given.
const DefaultPath = "gantry.yaml"

// Config is a whole gantry configuration.
type Config struct {
	// Version is accepted for compatibility with Dozer's files and unused.
	Version int    `yaml:"version"`
	AppName string `yaml:"app_name"`
	// HomeDir holds the embedded store and generated secrets.
	HomeDir string `yaml:"home_dir"`
	// APISecurity is Dozer's documented top-level spelling of
	// api.api_security; setting both is an error.
	APISecurity *Security `yaml:"api_security"`
	API         API       `yaml:"api"`
	Flags       Flags     `yaml:"flags"`
	// Sources maps table names to the data loaded into them.
	Sources map[string]Source `yaml:"sources"`

	// Dir is the folder holding the configuration file; relative paths in
	// sources are resolved against it, and may not leave it.
	Dir string `yaml:"-"`
}

// Source is where one table's rows come from: files, or a PostgreSQL table
// or query.
type Source struct {
	// Format is csv, jsonl, parquet or postgres; empty means from the
	// path's extension.
	Format string `yaml:"format"`
	// Path is a file or a glob, relative to the configuration's folder.
	Path string `yaml:"path"`
	// URL is a PostgreSQL connection URL without the password.
	URL string `yaml:"url"`
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// Table or Query select the PostgreSQL rows.
	Table string `yaml:"table"`
	Query string `yaml:"query"`
	// Types overrides inferred column types: uint, int, float, decimal,
	// bool, string, text, timestamp, date or json.
	Types map[string]string `yaml:"types"`
}

// API configures the listeners and the query limits.
type API struct {
	Security *Security `yaml:"api_security"`
	REST     Listener  `yaml:"rest"`
	GRPC     Listener  `yaml:"grpc"`
	// DefaultMaxNumRecords is the page size when a query has no $limit.
	DefaultMaxNumRecords int `yaml:"default_max_num_records"`
	// MaxNumRecords is the largest $limit a query may ask for.
	MaxNumRecords int `yaml:"max_num_records"`
	// JWTLeeway is the clock skew allowed when checking token times.
	JWTLeeway Duration `yaml:"jwt_leeway"`
	// CORSOrigins lists the browser origins allowed to call; empty allows any.
	CORSOrigins []string `yaml:"cors_origins"`
}

// Listener is one address gantry listens on. Every listener serves every
// protocol.
type Listener struct {
	Host    string `yaml:"host"`
	Port    int    `yaml:"port"`
	Enabled bool   `yaml:"enabled"`
}

// Addr returns host:port.
func (l Listener) Addr() string {
	return l.Host + ":" + strconv.Itoa(l.Port)
}

// Flags switches features on and off, with Dozer's defaults.
type Flags struct {
	// Dynamic serves the typed per-endpoint services.
	Dynamic bool `yaml:"dynamic"`
	// GRPCWeb accepts gRPC-Web requests from browsers.
	GRPCWeb bool `yaml:"grpc_web"`
	// PushEvents enables OnEvent streams.
	PushEvents bool `yaml:"push_events"`
	// AuthenticateServerReflection puts gRPC reflection behind the token check.
	AuthenticateServerReflection bool `yaml:"authenticate_server_reflection"`
}

// Security is the value of api_security: `!Jwt <secret>`. An empty Secret
// asks gantry to generate one and keep it in the home directory.
type Security struct {
	Secret string
}

// UnmarshalYAML accepts the `!Jwt` tag with a scalar value, or with no value.
func (s *Security) UnmarshalYAML(n *yaml.Node) error {
	if n.Tag != "!Jwt" {
		return fmt.Errorf("line %d: api_security must be written `!Jwt <secret>`, got %s",
			n.Line, describe(n))
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: api_security: !Jwt takes a string secret", n.Line)
	}
	s.Secret = n.Value
	return nil
}

// Duration is a time.Duration written as "30s" or "1m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		return fmt.Errorf("line %d: expected a non-negative duration such as 30s, got %s",
			n.Line, describe(n))
	}
	*d = Duration(v)
	return nil
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return "a " + map[yaml.Kind]string{
		yaml.MappingNode:  "mapping",
		yaml.SequenceNode: "list",
		yaml.AliasNode:    "alias",
	}[n.Kind]
}

// Default returns the configuration used for keys a file leaves out.
func Default() Config {
	return Config{
		AppName: "gantry",
		HomeDir: "./.gantry",
		API: API{
			REST:                 Listener{Host: "0.0.0.0", Port: 8080, Enabled: true},
			GRPC:                 Listener{Host: "0.0.0.0", Port: 50051, Enabled: true},
			DefaultMaxNumRecords: 50,
			MaxNumRecords:        1000,
			JWTLeeway:            Duration(30 * time.Second),
		},
		Flags: Flags{Dynamic: true, GRPCWeb: true, PushEvents: true},
	}
}

// Load reads and validates the file at path.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg.Dir = filepath.Dir(abs)
	return cfg, nil
}

// Parse decodes a YAML configuration over the defaults. Unknown keys, wrong
// types and out-of-range values are errors that name the key and the line.
func Parse(data []byte) (Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, annotate(err, data)
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) validate() error {
	if c.APISecurity != nil && c.API.Security != nil {
		return errors.New("api_security is set both at the top level and under api; keep one")
	}
	if c.APISecurity != nil {
		c.API.Security, c.APISecurity = c.APISecurity, nil
	}
	if c.HomeDir == "" {
		return errors.New("home_dir: must not be empty")
	}
	for _, l := range []struct {
		key string
		l   Listener
	}{{"api.rest", c.API.REST}, {"api.grpc", c.API.GRPC}} {
		if l.l.Port < 0 || l.l.Port > 65535 {
			return fmt.Errorf("%s.port: %d is not a TCP port", l.key, l.l.Port)
		}
	}
	for name, src := range c.Sources {
		if err := src.validate(name); err != nil {
			return err
		}
	}
	if c.API.MaxNumRecords < 1 {
		return fmt.Errorf("api.max_num_records: must be at least 1, got %d", c.API.MaxNumRecords)
	}
	if d := c.API.DefaultMaxNumRecords; d < 1 || d > c.API.MaxNumRecords {
		return fmt.Errorf("api.default_max_num_records: must be between 1 and "+
			"api.max_num_records (%d), got %d", c.API.MaxNumRecords, d)
	}
	return nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (s Source) validate(name string) error {
	key := "sources." + name
	if !identifier.MatchString(name) {
		return fmt.Errorf("%s: a table name must be an identifier (letters, digits, _)", key)
	}
	isDB := s.Format == "postgres" || s.URL != ""
	switch {
	case isDB && s.Path != "":
		return fmt.Errorf("%s: give either path (files) or url (PostgreSQL), not both", key)
	case !isDB && s.Path == "":
		return fmt.Errorf("%s: give path (CSV, JSON Lines or Parquet files) or url (PostgreSQL)", key)
	case isDB && s.URL == "":
		return fmt.Errorf("%s: format postgres needs url", key)
	case isDB && (s.Table == "") == (s.Query == ""):
		return fmt.Errorf("%s: give exactly one of table and query", key)
	case !isDB && (s.Table != "" || s.Query != "" || s.PasswordEnv != ""):
		return fmt.Errorf("%s: table, query and password_env are for PostgreSQL sources", key)
	}
	switch s.Format {
	case "", "csv", "jsonl", "parquet", "postgres":
	default:
		return fmt.Errorf("%s.format: %q is not csv, jsonl, parquet or postgres", key, s.Format)
	}
	return nil
}

// Security returns the JWT settings, or nil when the API is open.
func (c *Config) Security() *Security {
	return c.API.Security
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// annotate adds the key path to yaml's "line N: cannot unmarshal" messages,
// which name only the line.
func annotate(err error, data []byte) error {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return fmt.Errorf("parse config: %w", err)
	}
	keys := map[int]string{}
	collectKeys(&root, "", keys)
	msg := lineRE.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(lineRE.FindStringSubmatch(m)[1])
		if k, ok := keys[n]; ok {
			return fmt.Sprintf("line %d (%s): ", n, k)
		}
		return m
	})
	msg = strings.TrimPrefix(msg, "yaml: ")
	return errors.New("parse config: " + msg)
}

func collectKeys(n *yaml.Node, prefix string, keys map[int]string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collectKeys(c, prefix, keys)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := k.Value
			if prefix != "" {
				path = prefix + "." + k.Value
			}
			keys[k.Line] = path
			if v.Line != k.Line {
				keys[v.Line] = path
			}
			collectKeys(v, path, keys)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			collectKeys(c, fmt.Sprintf("%s[%d]", prefix, i), keys)
		}
	}
}
