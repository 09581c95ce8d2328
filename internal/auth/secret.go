package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

const (
	secretFile = "jwt-secret"
	// secretBytes is the size of a generated secret: 384 bits, 64 base64
	// characters, well above MinSecretBytes.
	secretBytes = 48
	// maxSecretFile bounds what is read, so a wrong path cannot eat memory.
	maxSecretFile = 4 << 10
)

// LoadOrCreateSecret returns the signing secret kept in dir/jwt-secret and
// the file's path. The file holds the secret base64-encoded (standard or URL
// alphabet, padded or not, line breaks allowed); the secret is the decoded
// bytes.
//
// When the file is missing it is created now (created is true) with 48
// random bytes and mode 0600, and dir with mode 0700 if needed; two processes
// racing to create it end up sharing one secret. The file must be a regular
// file readable by its owner only: wider permissions than 0600, a secret
// shorter than MinSecretBytes (wrapping ErrWeakSecret) or text that is not
// base64 are errors. Permissions are not checked on Windows.
func LoadOrCreateSecret(dir string) (secret []byte, path string, created bool, err error) {
	path = filepath.Join(dir, secretFile)

	secret, err = readSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, path, false, err
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, path, false, fmt.Errorf("create jwt secret directory: %w", err)
	}
	secret, err = createSecret(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our read and our create.
		secret, err = readSecret(path)
		return secret, path, false, err
	}
	return secret, path, err == nil, err
}

func readSecret(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		// The caller looks for fs.ErrNotExist to know to create the file.
		return nil, fmt.Errorf("read jwt secret: %w", err)
	}
	defer f.Close()

	// Stat the open file, not the path, so the checked file is the read one.
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read jwt secret: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read jwt secret: %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&^0o600 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf(
			"read jwt secret: %s has mode %04o; it must be 0600 or narrower (run `chmod 600 %s`)",
			path, perm, path)
	}

	text, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return nil, fmt.Errorf("read jwt secret: %w", err)
	}
	if len(text) > maxSecretFile {
		return nil, fmt.Errorf("read jwt secret: %s is larger than %d bytes", path, maxSecretFile)
	}

	secret, ok := decodeSecret(text)
	if !ok {
		return nil, fmt.Errorf(
			"read jwt secret: %s is not base64; replace it with the output of `openssl rand -base64 48`",
			path)
	}
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf(
			"read jwt secret: %w: %s holds %d bytes and needs at least %d; "+
				"replace it with the output of `openssl rand -base64 48`",
			ErrWeakSecret, path, len(secret), MinSecretBytes)
	}
	return secret, nil
}

// decodeSecret decodes base64 text in any of the four RFC 4648 forms,
// ignoring white space such as the line breaks openssl inserts.
func decodeSecret(text []byte) ([]byte, bool) {
	compact := bytes.Join(bytes.Fields(text), nil)
	if len(compact) == 0 {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding,
	} {
		if secret, err := enc.DecodeString(string(compact)); err == nil {
			return secret, true
		}
	}
	return nil, false
}

// createSecret writes a new secret to path, failing with fs.ErrExist when the
// file is already there. The secret is written to a temporary file and then
// hard-linked into place, so no reader ever sees a half-written secret and a
// racing creator gets fs.ErrExist rather than overwriting.
func createSecret(path string) ([]byte, error) {
	secret := make([]byte, secretBytes)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails

	tmp, err := os.CreateTemp(filepath.Dir(path), secretFile+".*.tmp") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("create jwt secret: %w", err)
	}
	defer os.Remove(tmp.Name())

	text := base64.StdEncoding.EncodeToString(secret) + "\n"
	_, err = tmp.WriteString(text)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("create jwt secret: %w", err)
	}

	if err := os.Link(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("create jwt secret (or write one yourself with "+
			"`openssl rand -base64 48 > %s && chmod 600 %s`): %w", path, path, err)
	}
	return secret, nil
}
