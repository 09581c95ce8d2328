package server

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/gantry-dev/gantry/internal/auth"
	"github.com/gantry-dev/gantry/internal/config"
)

// Environment variables that override the configured secret, in order of
// precedence. DOZER_MASTER_SECRET is Dozer's name for the same setting.
var secretEnv = []string{"GANTRY_JWT_SECRET", "DOZER_MASTER_SECRET"}

// Secret returns the JWT secret in force, or nil when security is off. A set
// environment variable wins over the file and turns security on; `!Jwt`
// with no value uses a secret generated once and kept in the home
// directory. Secrets shorter than 32 bytes are refused.
func Secret(cfg config.Config, log *slog.Logger) ([]byte, error) {
	for _, name := range secretEnv {
		if v, set := os.LookupEnv(name); set {
			if err := checkSecret(name, []byte(v)); err != nil {
				return nil, err
			}
			log.Info("api security on", "secret_from", name)
			return []byte(v), nil
		}
	}
	sec := cfg.Security()
	if sec == nil {
		log.Warn("api security off: every API answers without a token; set api_security: !Jwt to require one")
		return nil, nil
	}
	if sec.Secret != "" {
		if err := checkSecret("api_security", []byte(sec.Secret)); err != nil {
			return nil, err
		}
		log.Info("api security on", "secret_from", "config")
		return []byte(sec.Secret), nil
	}
	secret, path, created, err := auth.LoadOrCreateSecret(cfg.HomeDir)
	if err != nil {
		return nil, fmt.Errorf("api_security: %w", err)
	}
	log.Info("api security on", "secret_file", path, "created", created)
	return secret, nil
}

func checkSecret(source string, secret []byte) error {
	if len(secret) < auth.MinSecretBytes {
		return fmt.Errorf("%s: the JWT secret is %d bytes; use at least %d random bytes, "+
			"for example the output of `openssl rand -base64 48`, or write `!Jwt` with no "+
			"value to have gantry generate one", source, len(secret), auth.MinSecretBytes)
	}
	return nil
}
