package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyRepo copies the committed tree (and the untracked files of the
// working tree that git does not ignore) into a temporary folder, sharing
// the installed npm packages and the googleapis link.
func copyRepo(t *testing.T) string {
	dst := t.TempDir()
	out, err := exec.Command("git", "-C", repoRootDir, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		src := filepath.Join(repoRootDir, rel)
		data, err := os.ReadFile(src)
		if err != nil {
			continue // deleted in the working tree
		}
		info, _ := os.Stat(src)
		path := filepath.Join(dst, rel)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	abs, _ := filepath.Abs(repoRootDir)
	os.Symlink(filepath.Join(abs, "web", "node_modules"), filepath.Join(dst, "web", "node_modules"))
	// The copies are newer than the shared node_modules; date them back so
	// that make does not run npm ci, which would empty the shared folder.
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []string{"package.json", "package-lock.json"} {
		os.Chtimes(filepath.Join(dst, "web", f), old, old)
	}
	return dst
}

func runIn(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestQuickStartFromCSV follows the README's quick start: a CSV file,
// `gantry endpoint add`, `make generate`, `gantry run`, then curl-style
// and grpcurl calls with a token. Then `gantry build` follows a schema
// change, and refuses a breaking one.
func TestQuickStartFromCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerates and rebuilds a copy of the repository")
	}
	if _, err := os.Stat(filepath.Join(repoRootDir, "web", "node_modules")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("web/node_modules is missing; .ci/run installs it")
		}
		t.Skip("web/node_modules is missing: npm ci --prefix web")
	}
	repo := copyRepo(t)
	os.MkdirAll(filepath.Join(repo, "data"), 0o755)
	csv := "sale_id,store,amount,sold_at,paid\n" +
		"1,north,12.50,2024-05-01T09:30:00Z,true\n" +
		"2,south,7.25,2024-05-01T10:00:00Z,false\n" +
		"3,north,30.00,2024-05-02T16:45:00Z,true\n"
	writeFile(t, filepath.Join(repo, "data", "sales.csv"), csv)

	out := runIn(t, repo, nil, gantryBinary(t), "endpoint", "add", "sales",
		"--source", "data/sales.csv", "--primary-key", "sale_id")
	if !strings.Contains(out, "make generate") {
		t.Fatalf("endpoint add did not name the next command:\n%s", out)
	}
	runIn(t, repo, nil, "make", "generate")
	bin := filepath.Join(t.TempDir(), "gantry")
	runIn(t, repo, nil, "go", "build", "-o", bin, "./cmd/gantry")

	cfg, err := os.ReadFile(filepath.Join(repo, "gantry.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	config := strings.NewReplacer("port: 8080", "port: 0", "port: 50051", "port: 0",
		"home_dir: ./.gantry", "home_dir: "+t.TempDir()).Replace(string(cfg))
	srv := launchBinary(t, bin, repo, config, []string{"GANTRY_JWT_SECRET=" + testSecret})
	t.Cleanup(func() { srv.stop(t) })

	call(t, "GET", srv.URL()+"/sales/3", "").want(t, 401)
	master := strings.TrimSpace(runIn(t, repo, []string{"GANTRY_JWT_SECRET=" + testSecret}, bin, "api", "generate-token"))
	var sale map[string]any
	call(t, "GET", srv.URL()+"/sales/3", "", "Authorization", "Bearer "+master).want(t, 200).decode(t, &sale)
	if sale["store"] != "north" || sale["amount"].(float64) != 30 || sale["sold_at"] != "2024-05-02T16:45:00.000Z" {
		t.Fatalf("sale 3 = %v", sale)
	}
	var n int64
	call(t, "POST", srv.URL()+"/sales/count", `{"$filter": {"paid": true}}`, "Authorization", "Bearer "+master).
		want(t, 200).decode(t, &n)
	if n != 2 {
		t.Fatalf("paid sales = %d", n)
	}
	grpcOut := grpcurl(t, 0, "-plaintext", "-H", "authorization: Bearer "+master,
		"-d", `{"query": "{\"$filter\": {\"store\": \"south\"}}"}`, srv.GRPC, "dozer.generated.sales.Sales/query")
	if !strings.Contains(grpcOut, `"amount": 7.25`) {
		t.Fatalf("typed query:\n%s", grpcOut)
	}

	// A new column is a compatible change; a removed one is refused.
	writeFile(t, filepath.Join(repo, "data", "sales.csv"), addColumn(csv))
	out = runIn(t, repo, nil, bin, "build")
	if !strings.Contains(out, "updated proto/dozer/generated/sales/sales.proto") {
		t.Fatalf("build after adding a column:\n%s", out)
	}
	proto, _ := os.ReadFile(filepath.Join(repo, "proto", "dozer", "generated", "sales", "sales.proto"))
	if !strings.Contains(string(proto), "method = 8;") {
		t.Fatalf("new field not numbered after the identity fields:\n%s", proto)
	}
	writeFile(t, filepath.Join(repo, "data", "sales.csv"), "sale_id,store,sold_at,paid,method\n1,north,2024-05-01T09:30:00Z,true,card\n")
	cmd := exec.Command(bin, "build")
	cmd.Dir = repo
	refused, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(refused), "--allow-breaking") || !strings.Contains(string(refused), "amount") {
		t.Fatalf("breaking build was not refused: %v\n%s", err, refused)
	}
	out = runIn(t, repo, nil, bin, "build", "--allow-breaking")
	proto, _ = os.ReadFile(filepath.Join(repo, "proto", "dozer", "generated", "sales", "sales.proto"))
	if !strings.Contains(string(proto), "reserved") {
		t.Fatalf("removed field not reserved:\n%s", proto)
	}
}

// addColumn appends a method column to every line of a sales CSV.
func addColumn(csv string) string {
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] += ",method"
		} else {
			lines[i] += ",card"
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
