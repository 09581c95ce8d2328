package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// repoRoot is where the examples are run from, as a user would.
const repoRoot = "../.."

// needTool skips the test when a client is not installed, or fails it under
// CI, where .ci/run installs every client.
func needTool(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs it with: %s", what, install)
	}
	t.Skipf("%s is not installed: %s", what, install)
}

// runExample runs one example from the repository root within timeout and
// returns its standard output; a non-zero exit fails the test.
func runExample(
	t *testing.T,
	timeout time.Duration,
	env []string,
	name string,
	args ...string,
) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v (timeout %v)\nstderr:\n%s\nstdout:\n%s",
			name, strings.Join(args, " "), err, timeout, stderr.String(), stdout.String())
	}
	return stdout.Bytes()
}

func decodeOutput(t *testing.T, out []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("decode example output: %v\n%s", err, out)
	}
}

func wantEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// jsSession is what examples/js/dozer-client.mjs prints for one token.
type jsSession struct {
	Endpoints     []string `json:"endpoints"`
	Count         int64    `json:"count"`
	CountFiltered int64    `json:"countFiltered"`
	Fields        []string `json:"fields"`
	PrimaryIndex  []int    `json:"primaryIndex"`
	Health        string   `json:"health"`
}

type jsRefusal struct {
	Decoded bool   `json:"decoded"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type jsOutput struct {
	Filter         json.RawMessage      `json:"filter"`
	Master         jsSession            `json:"master"`
	Restricted     jsSession            `json:"restricted"`
	ExpectedErrors map[string]jsRefusal `json:"expectedErrors"`
	Incompatible   map[string]jsRefusal `json:"incompatible"`
}

// TestDozerJSClient runs Dozer's published JS client (gRPC-Web text mode)
// against a secured gantry and checks each answer against the store.
func TestDozerJSClient(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		needTool(t, "node", "apt-get install -y nodejs npm")
	}
	modules := filepath.Join(repoRoot, "examples/js/node_modules")
	for _, pkg := range []string{"@dozerjs/dozer", "xhr2"} {
		if _, err := os.Stat(filepath.Join(modules, pkg, "package.json")); err != nil {
			needTool(t, "npm package "+pkg, "npm ci --prefix examples/js")
		}
	}
	srv := securedServer(t)
	master := matrixTokens(t, srv).master

	out := runExample(t, 90*time.Second,
		[]string{"GANTRY_GRPC=http://" + srv.GRPC, "MASTER_TOKEN=" + master},
		node, "examples/js/dozer-client.mjs")
	var got jsOutput
	decodeOutput(t, out, &got)

	// The script's user filter; the SQL below must say the same.
	wantEqual(t, "filter", compactJSON(t, got.Filter), `{"fare_amount":{"$gte":20}}`)
	const userSQL = "fare_amount >= 20"
	const cashSQL = "payment_type = 'Cash'"

	t.Run("master", func(t *testing.T) {
		m := got.Master
		wantStrings(t, "getEndpoints", sorted(m.Endpoints),
			[]string{"pickup", "stocks_meta", "trips_cache"})
		wantEqual(t, "count", m.Count, oracleInt(t, "SELECT count(*) FROM trips_cache"))
		wantEqual(t, "count with filter", m.CountFiltered,
			oracleInt(t, "SELECT count(*) FROM trips_cache WHERE "+userSQL))
		wantStrings(t, "getFields", m.Fields, tripFields)
		wantEqual(t, "primary index", fmt.Sprint(m.PrimaryIndex), "[0]")
		wantEqual(t, "healthCheck", m.Health, "SERVING")
	})

	t.Run("restricted", func(t *testing.T) {
		r := got.Restricted
		cash := oracleInt(t, "SELECT count(*) FROM trips_cache WHERE "+cashSQL)
		if cash == 0 {
			t.Fatal("the sample data has no Cash trips: the check would prove nothing")
		}
		wantStrings(t, "getEndpoints", r.Endpoints, []string{"trips_cache"})
		wantEqual(t, "count", r.Count, cash)
		wantEqual(t, "count with filter", r.CountFiltered,
			oracleInt(t, "SELECT count(*) FROM trips_cache WHERE "+cashSQL+" AND "+userSQL))
		wantStrings(t, "getFields", r.Fields, []string{"trip_id", "fare_amount"})
		wantEqual(t, "healthCheck", r.Health, "SERVING")
	})

	t.Run("refusals", func(t *testing.T) {
		// 7 is PERMISSION_DENIED: only an All token may mint tokens.
		mint, ok := got.ExpectedErrors["restrictedGetAuthToken"]
		wantEqual(t, "restricted getAuthToken refused", ok, true)
		wantEqual(t, "restricted getAuthToken code", mint.Code, 7)

		// The client's bundled protos predate Dozer's record layout; 13 is
		// the client's own INTERNAL "Error when deserializing response data".
		query, ok := got.Incompatible["query"]
		wantEqual(t, "query reported", ok, true)
		wantEqual(t, "query decoded", query.Decoded, false)
		wantEqual(t, "query code", query.Code, 13)
	})
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("compact %s: %v", raw, err)
	}
	return b.String()
}

// pythonWithGRPC returns an interpreter that can run the Python example,
// preferring Debian's, which has python3-grpcio, over one earlier on PATH.
func pythonWithGRPC(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil && p != candidates[0] {
		candidates = append(candidates, p)
	}
	var reasons []string
	for _, py := range candidates {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, py, "examples/python/restricted_count.py", "--check-deps")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil {
			return py
		}
		reasons = append(reasons, py+": "+strings.TrimSpace(string(out)))
	}
	t.Logf("no usable Python:\n%s", strings.Join(reasons, "\n"))
	needTool(t, "Python gRPC with stub generation", "apt-get install -y "+
		"python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc")
	return ""
}

// TestDozerPythonFlow runs the documented Dozer Python flow (native gRPC,
// master token, getAuthToken, restricted count) and checks the counts.
func TestDozerPythonFlow(t *testing.T) {
	t.Parallel()
	py := pythonWithGRPC(t)
	srv := securedServer(t)
	master := matrixTokens(t, srv).master

	out := runExample(t, 90*time.Second,
		[]string{"GANTRY_GRPC=" + srv.GRPC, "MASTER_TOKEN=" + master},
		py, "examples/python/restricted_count.py", "--json", "--borough", "Queens")
	var got struct {
		Borough             string `json:"borough"`
		MasterCount         int64  `json:"master_count"`
		MasterBoroughCount  int64  `json:"master_borough_count"`
		RestrictedCount     int64  `json:"restricted_count"`
		RestrictedOtherArea int64  `json:"restricted_other_borough_count"`
	}
	decodeOutput(t, out, &got)

	queens := oracleInt(t, "SELECT count(*) FROM pickup WHERE borough = 'Queens'")
	if queens == 0 {
		t.Fatal("the sample data has no Queens zones: the check would prove nothing")
	}
	wantEqual(t, "borough", got.Borough, "Queens")
	wantEqual(t, "master count", got.MasterCount, oracleInt(t, "SELECT count(*) FROM pickup"))
	wantEqual(t, "master count with filter", got.MasterBoroughCount, queens)
	wantEqual(t, "restricted count", got.RestrictedCount, queens)
	wantEqual(t, "restricted count asking for Manhattan", got.RestrictedOtherArea,
		oracleInt(t, `SELECT count(*) FROM pickup
			WHERE borough = 'Queens' AND borough = 'Manhattan'`))
}

// TestGoExample runs examples/go, the generated Connect client, with a
// master token and checks its counts and records against the store.
func TestGoExample(t *testing.T) {
	t.Parallel()
	srv := securedServer(t)
	master := matrixTokens(t, srv).master

	out := runExample(t, 3*time.Minute,
		[]string{"GANTRY_URL=" + srv.URL(), "GANTRY_TOKEN=" + master},
		"go", "run", "./examples/go", "-json", "-limit", "5")
	var got struct {
		Count         int64 `json:"count"`
		FilteredCount int64 `json:"filtered_count"`
		Records       []struct {
			TripID      string `json:"trip_id"`
			PaymentType string `json:"payment_type"`
		} `json:"records"`
	}
	decodeOutput(t, out, &got)

	wantEqual(t, "count", got.Count, oracleInt(t, "SELECT count(*) FROM trips_cache"))
	wantEqual(t, "count with filter", got.FilteredCount,
		oracleInt(t, "SELECT count(*) FROM trips_cache WHERE payment_type = 'Cash'"))
	want := oracleInts(t,
		"SELECT trip_id FROM trips_cache WHERE payment_type = 'Cash' ORDER BY trip_id LIMIT 5")
	var ids []int64
	for _, r := range got.Records {
		id, err := strconv.ParseInt(r.TripID, 10, 64)
		if err != nil {
			t.Fatalf("trip_id %q: %v", r.TripID, err)
		}
		ids = append(ids, id)
		wantEqual(t, "payment_type of trip "+r.TripID, r.PaymentType, "Cash")
	}
	if len(want) == 0 || !slices.Equal(ids, want) {
		t.Errorf("query trip_ids = %v, store says %v", ids, want)
	}
}
