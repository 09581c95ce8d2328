package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte("app_name: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.AppName = "x"
	if cfg.API.REST != want.API.REST || cfg.API.GRPC != want.API.GRPC || cfg.Flags != want.Flags ||
		cfg.API.DefaultMaxNumRecords != 50 || cfg.API.MaxNumRecords != 1000 || cfg.HomeDir != "./.gantry" ||
		time.Duration(cfg.API.JWTLeeway) != 30*time.Second || cfg.Security() != nil {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestParseDozerConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml, secret string
	}{
		{"under api", "api:\n  api_security: !Jwt abc\n", "abc"},
		{"top level as documented", "api_security: !Jwt abc\n", "abc"},
		{"value on next line", "api:\n  api_security: !Jwt\n    abc\n", "abc"},
		{"no value", "api:\n  api_security: !Jwt\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse([]byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Security() == nil || cfg.Security().Secret != c.secret {
				t.Fatalf("security %+v", cfg.Security())
			}
		})
	}
	cfg, err := Parse([]byte(`version: 1
app_name: films
home_dir: ./h
api:
  rest: {host: 127.0.0.1, port: 9000}
  grpc: {port: 9001, enabled: false}
  default_max_num_records: 20
  max_num_records: 200
  jwt_leeway: 5s
flags:
  grpc_web: false
  authenticate_server_reflection: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.API.REST.Addr() != "127.0.0.1:9000" || cfg.API.GRPC.Enabled || cfg.API.GRPC.Host != "0.0.0.0" ||
		cfg.Flags.GRPCWeb || !cfg.Flags.Dynamic || !cfg.Flags.AuthenticateServerReflection ||
		time.Duration(cfg.API.JWTLeeway) != 5*time.Second {
		t.Fatalf("parsed %+v", cfg)
	}
}

// TestParseErrors checks that each mistake is refused with a message that
// names the key and, where yaml knows it, the line.
func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml string
		mentions   []string
	}{
		{"unknown top-level key", "app_name: x\nbogus: 1\n", []string{"line 2", "bogus"}},
		{"unknown nested key", "api:\n  rest:\n    prot: 1\n", []string{"line 3", "prot"}},
		{"wrong type", "api:\n  rest:\n    port: eighty\n", []string{"line 3", "api.rest.port"}},
		{"wrong flag type", "flags:\n  grpc_web: maybe\n", []string{"line 2", "flags.grpc_web"}},
		{"port out of range", "api:\n  grpc:\n    port: 70000\n", []string{"api.grpc.port"}},
		{"zero max", "api:\n  max_num_records: 0\n", []string{"api.max_num_records"}},
		{"default above max", "api:\n  default_max_num_records: 5000\n", []string{"default_max_num_records"}},
		{"security without tag", "api:\n  api_security: secret\n", []string{"line 2", "!Jwt"}},
		{"security as map", "api:\n  api_security: !Jwt {a: 1}\n", []string{"line 2", "!Jwt"}},
		{"security twice", "api_security: !Jwt a\napi:\n  api_security: !Jwt b\n", []string{"both"}},
		{"bad duration", "api:\n  jwt_leeway: soon\n", []string{"line 2", "duration"}},
		{"empty home", "home_dir: ''\n", []string{"home_dir"}},
		{"not a mapping", "- a\n- b\n", []string{"line 1"}},
		{"tabs", "api:\n\trest: 1\n", []string{"line 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, m := range c.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

// FuzzParse: arbitrary files never panic, and a file that parses is valid.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"app_name: x\n",
		"api:\n  api_security: !Jwt abc\n  rest: {port: 1}\n",
		"flags: {dynamic: false}\n",
		"api: [1, 2]\n",
		"a: &x 1\nb: *x\n",
		"api:\n  cors_origins: [http://a]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		if err != nil {
			return
		}
		if cfg.API.MaxNumRecords < 1 || cfg.API.DefaultMaxNumRecords > cfg.API.MaxNumRecords || cfg.HomeDir == "" {
			t.Fatalf("invalid config accepted: %+v", cfg)
		}
	})
}

func TestParseSources(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`sources:
  trips:
    path: data/trips*.csv
    types: {fare: decimal}
  orders:
    url: postgres://gantry@127.0.0.1:5432/shop
    password_env: SHOP_PASSWORD
    table: public.orders
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Sources["trips"].Path != "data/trips*.csv" || cfg.Sources["trips"].Types["fare"] != "decimal" ||
		cfg.Sources["orders"].Table != "public.orders" {
		t.Fatalf("sources %+v", cfg.Sources)
	}
	bad := []struct{ name, yaml, mention string }{
		{"no origin", "sources:\n  t: {types: {a: int}}\n", "path"},
		{"both", "sources:\n  t: {path: a.csv, url: 'postgres://x'}\n", "not both"},
		{"db without table", "sources:\n  t: {url: 'postgres://x'}\n", "exactly one"},
		{"db with both", "sources:\n  t: {url: 'postgres://x', table: a, query: 'select 1'}\n", "exactly one"},
		{"bad format", "sources:\n  t: {path: a.txt, format: xml}\n", "xml"},
		{"bad name", "sources:\n  'my table': {path: a.csv}\n", "identifier"},
		{"unknown key", "sources:\n  t: {path: a.csv, delimiter: ';'}\n", "delimiter"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("error %v does not mention %q", err, c.mention)
			}
		})
	}
}
