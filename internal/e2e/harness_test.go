// Package e2e holds end-to-end tests: they build the gantry binary, start it
// on free loopback ports and call it with real clients.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// gantryBinary builds cmd/gantry once per test run.
func gantryBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gantry-e2e-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "gantry")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/gantry").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// sharedHome is a home directory reused by the servers of one test run, so
// that the sample data is generated once.
var (
	homeOnce sync.Once
	homeDir  string
)

func sharedHome(t testing.TB) string {
	homeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gantry-e2e-home")
		if err != nil {
			t.Fatal(err)
		}
		homeDir = dir
	})
	return homeDir
}

// process is a running gantry binary.
type process struct {
	REST, GRPC string // host:port
	cmd        *exec.Cmd
	logs       *logBuffer
	done       chan error
	stopOnce   sync.Once
}

// URL returns the REST base URL.
func (p *process) URL() string { return "http://" + p.REST }

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startGantry writes config (YAML, with %s for home_dir left to fill) into a
// temporary directory and runs `gantry run` there with env added. It waits
// until the server is ready and stops it when the test ends.
func startGantry(t testing.TB, configYAML string, env ...string) *process {
	t.Helper()
	p := launch(t, t.TempDir(), configYAML, env)
	t.Cleanup(func() { p.stop(t) })
	return p
}

// sharedProcs are stopped by TestMain after every test ran.
var (
	sharedMu    sync.Mutex
	sharedProcs []*process
)

// startShared is startGantry for a server that outlives the calling test.
func startShared(t testing.TB, configYAML string, env ...string) *process {
	t.Helper()
	dir, err := os.MkdirTemp("", "gantry-e2e-run")
	if err != nil {
		t.Fatal(err)
	}
	p := launch(t, dir, configYAML, env)
	sharedMu.Lock()
	sharedProcs = append(sharedProcs, p)
	sharedMu.Unlock()
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	sharedMu.Lock()
	for _, p := range sharedProcs {
		p.stop(exitReporter{})
	}
	sharedMu.Unlock()
	if homeDir != "" {
		os.RemoveAll(homeDir)
	}
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// exitReporter lets stop report problems after the tests have finished.
type exitReporter struct{}

func (exitReporter) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func launch(t testing.TB, dir, configYAML string, env []string) *process {
	t.Helper()
	return launchBinary(t, gantryBinary(t), dir, configYAML, env)
}

// launchBinary runs bin with configYAML written into dir.
func launchBinary(t testing.TB, bin, dir, configYAML string, env []string) *process {
	t.Helper()
	cfgPath := filepath.Join(dir, "gantry.yaml")
	if err := os.WriteFile(cfgPath, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfgPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: &logBuffer{}, done: make(chan error, 1)}
	ready := make(chan []string, 1)
	go func() {
		var addrs []string
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.logs.mu.Lock()
			p.logs.b.WriteString(line + "\n")
			p.logs.mu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				addrs = append(addrs, m[1])
			}
			if strings.Contains(line, "msg=ready") {
				ready <- addrs
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { p.done <- cmd.Wait() }()

	select {
	case addrs := <-ready:
		if len(addrs) != 2 {
			t.Fatalf("want 2 listeners, got %v\n%s", addrs, p.logs)
		}
		p.REST, p.GRPC = addrs[0], addrs[1]
	case err := <-p.done:
		t.Fatalf("gantry exited before it was ready: %v\n%s", err, p.logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("gantry was not ready within 60s\n%s", p.logs)
	}
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t interface{ Errorf(string, ...any) }) {
	p.stopOnce.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-p.done:
			if err != nil {
				t.Errorf("gantry exited with %v\n%s", err, p.logs)
			}
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
			t.Errorf("gantry did not stop within 30s of SIGTERM\n%s", p.logs)
		}
	})
}

// openConfig is a configuration without security on free loopback ports.
func openConfig(t testing.TB) string {
	return fmt.Sprintf(`app_name: e2e
home_dir: %s
api:
  rest: {host: 127.0.0.1, port: 0}
  grpc: {host: 127.0.0.1, port: 0}
`, sharedHome(t))
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
