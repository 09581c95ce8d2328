package auth

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func writeSecretFile(t *testing.T, dir, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, "jwt-secret")
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode passes through the umask; set it exactly.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadOrCreateSecretCreates(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state", "gantry")

	secret, path, created, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatalf("LoadOrCreateSecret: %v", err)
	}
	if !created || path != filepath.Join(dir, "jwt-secret") || len(secret) != 48 {
		t.Errorf("LoadOrCreateSecret = %d bytes, %q, created %v; want 48 bytes, %q, true",
			len(secret), path, created, filepath.Join(dir, "jwt-secret"))
	}

	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := base64.StdEncoding.EncodeToString(secret) + "\n"; string(text) != want {
		t.Errorf("file holds %q, want %q", text, want)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
	if _, err := NewAuthority(secret, Options{}); err != nil {
		t.Errorf("NewAuthority with the created secret: %v", err)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

func TestLoadOrCreateSecretReuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, _, _, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, _, created, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatalf("second LoadOrCreateSecret: %v", err)
	}
	if created || !bytes.Equal(first, second) {
		t.Errorf("second call: created %v, same secret %v; want false, true",
			created, bytes.Equal(first, second))
	}
}

func TestLoadOrCreateSecretReads(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 16) // 48 bytes with + and / in base64
	std := base64.StdEncoding.EncodeToString(raw)
	tests := []struct {
		name string
		text string
		mode os.FileMode
	}{
		{name: "standard base64", text: std + "\n", mode: 0o600},
		{name: "read-only file", text: std, mode: 0o400},
		{
			name: "URL alphabet, no padding",
			text: base64.RawURLEncoding.EncodeToString(raw),
			mode: 0o600,
		},
		{name: "wrapped lines", text: std[:40] + "\n" + std[40:] + "\r\n", mode: 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeSecretFile(t, dir, tc.text, tc.mode)
			secret, _, created, err := LoadOrCreateSecret(dir)
			if err != nil {
				t.Fatalf("LoadOrCreateSecret: %v", err)
			}
			if created || !bytes.Equal(secret, raw) {
				t.Errorf("LoadOrCreateSecret = %x, created %v; want %x, false", secret, created, raw)
			}
		})
	}
}

func TestLoadOrCreateSecretRejects(t *testing.T) {
	t.Parallel()
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 48))
	tests := []struct {
		name    string
		text    string
		mode    os.FileMode
		windows bool // whether the case applies on Windows
		want    error
		reason  string
	}{
		{name: "world-readable", text: good, mode: 0o644, reason: "chmod 600"},
		{name: "group-readable", text: good, mode: 0o640, reason: "has mode 0640"},
		{name: "executable", text: good, mode: 0o700, reason: "has mode 0700"},
		{
			name: "short secret", text: base64.StdEncoding.EncodeToString(make([]byte, 31)), mode: 0o600,
			windows: true, want: ErrWeakSecret, reason: "holds 31 bytes",
		},
		{name: "empty file", text: "", mode: 0o600, windows: true, reason: "not base64"},
		{
			name:    "not base64",
			text:    "correct horse battery staple, twice over!!",
			mode:    0o600,
			windows: true,
			reason:  "not base64",
		},
		{
			name:    "too large",
			text:    strings.Repeat("A", 5000),
			mode:    0o600,
			windows: true,
			reason:  "larger than",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if runtime.GOOS == "windows" && !tc.windows {
				t.Skip("file modes are not checked on Windows")
			}
			dir := t.TempDir()
			writeSecretFile(t, dir, tc.text, tc.mode)

			secret, _, created, err := LoadOrCreateSecret(dir)
			if err == nil {
				t.Fatalf("LoadOrCreateSecret = %d bytes, created %v; want an error", len(secret), created)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error = %q, want it to say %q", err, tc.reason)
			}
			if strings.Contains(err.Error(), good) {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

func TestLoadOrCreateSecretRejectsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "jwt-secret"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := LoadOrCreateSecret(dir)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadOrCreateSecret with a directory in the way = %v, want \"not a regular file\"", err)
	}
}

func TestLoadOrCreateSecretRace(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "shared")
	const n = 8
	var (
		wg      sync.WaitGroup
		secrets [n][]byte
		created [n]bool
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() { secrets[i], _, created[i], errs[i] = LoadOrCreateSecret(dir) })
	}
	wg.Wait()

	creators := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !bytes.Equal(secrets[i], secrets[0]) {
			t.Errorf("caller %d got a different secret", i)
		}
		if created[i] {
			creators++
		}
	}
	if creators != 1 {
		t.Errorf("%d callers report creating the secret, want 1", creators)
	}
}
