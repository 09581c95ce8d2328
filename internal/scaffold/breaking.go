package scaffold

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Change is one breaking change, as buf reports it.
type Change struct {
	// Path is the changed file, slash-separated and relative to the
	// repository root; "" when the new tree has no such file, as when a
	// file is deleted.
	Path         string
	Line, Column int
	// Rule is buf's rule, for example FIELD_NO_DELETE or FIELD_SAME_TYPE.
	Rule string
	// Message is buf's description of the change.
	Message string
}

func (c Change) String() string {
	if c.Path == "" {
		return fmt.Sprintf("%s (%s)", c.Message, c.Rule)
	}
	return fmt.Sprintf("%s:%d:%d: %s (%s)", c.Path, c.Line, c.Column, c.Message, c.Rule)
}

// BreakingError is the error Breaking returns when proposed files break
// compatibility with the current ones.
type BreakingError struct {
	Changes []Change
}

func (e *BreakingError) Error() string {
	lines := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		lines[i] = c.String()
	}
	return "breaking changes:\n" + strings.Join(lines, "\n")
}

// Breaking asks `buf breaking`, with the rules in buf.yaml, whether replacing
// some files of the proto/ tree under repoRoot with new contents breaks
// clients of the current tree. Keys of files are paths relative to repoRoot,
// such as FilePath returns; a nil value deletes the file.
//
// Breaking returns nil when nothing breaks and a *BreakingError listing each
// change otherwise. It returns another error when buf cannot run or cannot
// compile the files. It runs `make .gen/googleapis` in repoRoot when that
// link is missing, and otherwise leaves repoRoot untouched.
func Breaking(ctx context.Context, repoRoot string, files map[string][]byte) error {
	for name := range files {
		if err := checkProtoPath(name); err != nil {
			return err
		}
	}
	if err := ensureGoogleapis(ctx, repoRoot); err != nil {
		return err
	}
	dir, err := newWorkspace(repoRoot, files)
	if err != nil {
		return fmt.Errorf("breaking: %w", err)
	}
	defer os.RemoveAll(dir)

	var stdout, stderr bytes.Buffer
	cmd := bufCommand(ctx, repoRoot, "breaking", filepath.Join(dir, "proto"),
		"--against", "proto", "--error-format", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// buf runs as a child of go and outlives it when ctx ends; stop waiting
	// for its output shortly after.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return breakingResult(err, stdout.Bytes(), stderr.String(), dir)
	}
	return nil
}

// breakingResult turns a failed buf breaking run in the workspace dir into
// a *BreakingError, or a plain error when buf failed for another reason.
func breakingResult(runErr error, stdout []byte, stderr, dir string) error {
	changes, err := parseChanges(stdout, dir)
	if err != nil || len(changes) == 0 {
		stderr = strings.ReplaceAll(stderr, dir+string(filepath.Separator), "")
		return fmt.Errorf("buf breaking: %w: %s", runErr, strings.TrimSpace(stderr))
	}

	// buf reports files that do not compile the same way as breaking changes.
	var compile []string
	for _, c := range changes {
		if c.Rule == "COMPILE" {
			compile = append(compile, fmt.Sprintf("%s:%d:%d: %s",
				c.Path, c.Line, c.Column, c.Message))
		}
	}
	if len(compile) > 0 {
		return fmt.Errorf("buf breaking: the files do not compile:\n%s",
			strings.Join(compile, "\n"))
	}
	return &BreakingError{Changes: changes}
}

// bufCommand runs the buf pinned in tools/go.mod from repoRoot.
func bufCommand(ctx context.Context, repoRoot string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go",
		append([]string{"tool", "-modfile=tools/go.mod", "buf"}, args...)...)
	cmd.Dir = repoRoot
	return cmd
}

func checkProtoPath(name string) error {
	if path.IsAbs(name) || path.Clean(name) != name || !strings.HasPrefix(name, "proto/") ||
		path.Ext(name) != ".proto" {
		return fmt.Errorf("breaking: %q is not a clean proto/.../*.proto path", name)
	}
	return nil
}

// ensureGoogleapis links .gen/googleapis the way the Makefile does, when it
// is missing; buf.yaml lists it as a module.
func ensureGoogleapis(ctx context.Context, repoRoot string) error {
	_, err := os.Stat(filepath.Join(repoRoot, ".gen", "googleapis"))
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	cmd := exec.CommandContext(ctx, "make", ".gen/googleapis")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("make .gen/googleapis: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// newWorkspace copies repoRoot's buf workspace (buf.yaml and proto/, with
// .gen linked) to a new temporary directory, applies files to it and returns
// the directory, which the caller removes.
func newWorkspace(repoRoot string, files map[string][]byte) (dir string, err error) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return "", err
	}
	if dir, err = os.MkdirTemp("", "gantry-proto-"); err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()

	// buf reports absolute paths with links resolved.
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return "", err
	}
	conf, err := os.ReadFile(filepath.Join(root, "buf.yaml"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "buf.yaml"), conf, 0o644); err != nil {
		return "", err
	}
	err = os.Symlink(filepath.Join(root, ".gen"), filepath.Join(dir, ".gen"))
	if err != nil {
		return "", err
	}
	err = os.CopyFS(filepath.Join(dir, "proto"), os.DirFS(filepath.Join(root, "proto")))
	if err != nil {
		return "", err
	}

	for name, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if content == nil {
			if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// parseChanges reads buf's JSON annotations, one a line, and makes their
// paths relative to the workspace in dir, which mirrors the repository root.
func parseChanges(out []byte, dir string) ([]Change, error) {
	var changes []Change
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var a struct {
			Path        string `json:"path"`
			StartLine   int    `json:"start_line"`
			StartColumn int    `json:"start_column"`
			Type        string `json:"type"`
			Message     string `json:"message"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, err
		}
		p := a.Path
		if rel, err := filepath.Rel(dir, p); err == nil && filepath.IsAbs(p) {
			p = rel
		}
		changes = append(changes, Change{
			Path:    filepath.ToSlash(p),
			Line:    a.StartLine,
			Column:  a.StartColumn,
			Rule:    a.Type,
			Message: a.Message,
		})
	}
	return changes, sc.Err()
}
