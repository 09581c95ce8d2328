package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// docCommand is one shell command from the README and the output it shows.
type docCommand struct {
	line   int
	text   string
	expect []string // lines after "# =>"
}

// readmeBlocks returns the ```sh blocks of the README sections whose
// heading starts with one of sections, split into commands.
func readmeBlocks(t *testing.T, sections ...string) [][]docCommand {
	f, err := os.Open(filepath.Join(repoRootDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks  [][]docCommand
		cur     []docCommand
		inBlock bool
		keep    bool
		cont    bool
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			keep = false
			for _, s := range sections {
				if strings.HasPrefix(line, "## "+s) {
					keep = true
				}
			}
		case line == "```sh":
			inBlock, cur = keep, nil
		case line == "```" && inBlock:
			blocks = append(blocks, cur)
			inBlock = false
		case !inBlock:
		case cont:
			cur[len(cur)-1].text += "\n" + line
			cont = strings.HasSuffix(line, "\\")
		case strings.HasPrefix(line, "# => "):
			cur[len(cur)-1].expect = append(cur[len(cur)-1].expect, strings.TrimPrefix(line, "# => "))
		case strings.TrimSpace(line) == "", strings.HasPrefix(line, "#"):
		default:
			cur = append(cur, docCommand{line: n, text: line})
			cont = strings.HasSuffix(line, "\\")
		}
	}
	if len(blocks) == 0 {
		t.Fatalf("no sh blocks under %v", sections)
	}
	return blocks
}

const repoRootDir = "../.."

// runDocBlock runs a README block in one bash process from the repository
// root, and checks
// that each command succeeds and prints what the README shows.
func runDocBlock(t *testing.T, block []docCommand, env ...string) {
	runDocBlockIn(t, repoRootDir, block, env...)
}

// runDocBlockIn runs a block in dir, exactly as printed.
func runDocBlockIn(t *testing.T, dir string, block []docCommand, env ...string) {
	var script strings.Builder
	script.WriteString("set -u\nexec 2>&1\n")
	for i, c := range block {
		fmt.Fprintf(&script, "%s\necho \"@@doc %d $?\"\n", c.text, i)
	}
	script.WriteString("kill $(jobs -p) 2>/dev/null; wait\n")

	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(grpcurlPath(t))+":"+os.Getenv("PATH"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(8 * time.Minute):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}()
	// A server a block leaves behind must not hold the output open.
	cmd.WaitDelay = 5 * time.Second
	out, _ := cmd.Output()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)

	outputs := strings.Split(string(out), "@@doc ")
	for i, c := range block {
		var chunk string
		if i < len(outputs) {
			chunk = outputs[i]
		}
		if i+1 >= len(outputs) {
			t.Fatalf("README.md:%d %q did not finish; output:\n%s", c.line, c.text, out)
		}
		next := outputs[i+1]
		status := strings.Fields(next)[1]
		if i > 0 {
			// Drop the marker line's own "N status" from the chunk.
			chunk = chunk[strings.Index(chunk, "\n")+1:]
		}
		if status != "0" && !strings.HasSuffix(strings.TrimSpace(c.text), "&") {
			t.Errorf("README.md:%d %q exited %s:\n%s", c.line, c.text, status, chunk)
		}
		for _, want := range c.expect {
			if !strings.Contains(chunk, want) {
				t.Errorf("README.md:%d %q printed:\n%s\nwant it to contain %q", c.line, c.text, chunk, want)
			}
		}
	}
}

// requireFreePorts fails unless the README's ports are free.
func requireFreePorts(t *testing.T, ports ...string) {
	for _, p := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:"+p)
		if err != nil {
			t.Fatalf("the README's examples need port %s free: %v", p, err)
		}
		ln.Close()
	}
}

// TestReadmeCommands runs the README's examples as printed against freshly
// started servers: "Try it" on the sample configuration, then the security
// walkthrough, which starts its own server.
func TestReadmeCommands(t *testing.T) {
	openServer(t) // the sample data is generated before the README's server starts
	requireFreePorts(t, "8080", "50051")

	srv := exec.Command(gantryBinary(t), "run")
	srv.Dir = repoRootDir
	logs := &logBuffer{}
	srv.Stderr = writerFunc(func(p []byte) (int, error) {
		logs.mu.Lock()
		defer logs.mu.Unlock()
		return logs.b.Write(p)
	})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, "http://127.0.0.1:8080/health", logs)
	for _, block := range readmeBlocks(t, "Try it") {
		runDocBlock(t, block)
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()

	requireFreePorts(t, "8080", "50051")
	for _, block := range readmeBlocks(t, "Security") {
		runDocBlock(t, block)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func waitHealthy(t *testing.T, url string, logs *logBuffer) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := httpGet(url); err == nil && r == 200 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 60s\n%s", url, logs)
}

// TestReadmeYourOwnData runs the "Your own data" walkthrough as printed, in
// a copy of the repository, since it adds an endpoint and regenerates code.
func TestReadmeYourOwnData(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerates and rebuilds a copy of the repository")
	}
	openServer(t)
	requireFreePorts(t, "8080", "50051")
	repo := copyRepo(t)
	for _, block := range readmeBlocks(t, "Your own data")[:1] {
		runDocBlockIn(t, repo, block)
	}
}
