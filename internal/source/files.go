package source

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// sampleBytes is how much of a file set Schema reads: all of it up to this
// size, else this much spread over the files' starts.
const sampleBytes = 64 << 20

// minSampleBytes is the least Schema reads of each file of a large set.
const minSampleBytes = 1 << 20

// file is one data file of a source.
type file struct {
	name string // relative to the root, slash-separated: for messages
	path string // absolute, symbolic links resolved: for opening
	size int64
}

// resolve expands pattern, relative to root, into the files it names, in
// name order. Every file must be a regular file inside root once symbolic
// links are resolved.
func resolve(root, pattern string) ([]file, error) {
	if pattern == "" {
		return nil, fmt.Errorf("no path given")
	}
	if root == "" {
		root = "."
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("root folder: %w", err)
	}
	rootReal, err := filepath.EvalSymlinks(rootAbs)
	if err != nil {
		return nil, fmt.Errorf("root folder: %w", err)
	}
	full := filepath.FromSlash(pattern)
	if !filepath.IsAbs(full) {
		full = filepath.Join(rootReal, full)
	}
	// Glob metacharacters never match a separator, so a pattern that leaves
	// root lexically can only match files outside it.
	if clean := filepath.Clean(full); !inside(rootReal, clean) && !inside(rootAbs, clean) {
		return nil, fmt.Errorf("path %s is outside the folder of gantry.yaml", pattern)
	}
	matches, err := filepath.Glob(full)
	if err != nil {
		return nil, fmt.Errorf("path %s: %w", pattern, err)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("path %s: no such file", pattern)
	}
	sort.Strings(matches)

	files := make([]file, 0, len(matches))
	for _, m := range matches {
		f, err := resolveMatch(rootReal, m)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func resolveMatch(rootReal, match string) (file, error) {
	name := match
	if rel, err := filepath.Rel(rootReal, match); err == nil {
		name = filepath.ToSlash(rel)
	}
	real, err := filepath.EvalSymlinks(match)
	if err != nil {
		return file{}, fmt.Errorf("%s: %w", name, err)
	}
	if !inside(rootReal, real) {
		return file{}, fmt.Errorf("%s leads outside the folder of gantry.yaml", name)
	}
	info, err := os.Stat(real)
	if err != nil {
		return file{}, fmt.Errorf("%s: %w", name, err)
	}
	if !info.Mode().IsRegular() {
		return file{}, fmt.Errorf("%s is not a regular file", name)
	}
	return file{name: name, path: real, size: info.Size()}, nil
}

// inside reports whether path is root or lies under it; both are clean
// absolute paths.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// hasMeta reports whether pattern holds glob metacharacters.
func hasMeta(pattern string) bool {
	return strings.ContainsAny(pattern, `*?[\`)
}

// sampleBudget returns how many bytes of each file Schema reads, and whether
// that is less than all of them.
func sampleBudget(files []file) (int64, bool) {
	var total int64
	for _, f := range files {
		total += f.size
	}
	if total <= sampleBytes {
		return total + 1, false
	}
	per := max(int64(sampleBytes)/int64(len(files)), minSampleBytes)
	return per, true
}

// Fingerprint returns a value that changes when the data may have changed.
// For files it covers each file's name, size and modification time, the
// format and the type overrides; the files are those Open matched, so open
// the spec again to notice new ones. For PostgreSQL it is a hash of the spec
// (never of the password): the data is not looked at, and such tables are
// reloaded on every load. A file that can no longer be read is an error.
func (s *Source) Fingerprint() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "format=%s\n", s.format)
	names := make([]string, 0, len(s.spec.Types))
	for name := range s.spec.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "type %q=%q\n", name, s.spec.Types[name])
	}

	if s.pg != nil {
		fmt.Fprintf(h, "url=%q password_env=%q table=%q query=%q\n",
			s.spec.URL, s.spec.PasswordEnv, s.spec.Table, s.spec.Query)
		return "pg-" + hex.EncodeToString(h.Sum(nil)[:16]), nil
	}
	for _, f := range s.files {
		info, err := os.Stat(f.path)
		if err != nil {
			return "", fmt.Errorf("fingerprint %s: %w", f.name, err)
		}
		fmt.Fprintf(h, "file %q size=%d mtime=%d\n",
			f.name, info.Size(), info.ModTime().UnixNano())
	}
	return "files-" + hex.EncodeToString(h.Sum(nil)[:16]), nil
}
