package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// grpcurlPath finds grpcurl, which .ci/run installs. Without it the tests
// that need it fail under CI and are skipped elsewhere.
func grpcurlPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("grpcurl"); err == nil {
		return p
	}
	out, _ := exec.Command("go", "env", "GOPATH").Output()
	p := filepath.Join(strings.TrimSpace(string(out)), "bin", "grpcurl")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("grpcurl is not installed; .ci/run installs it")
	}
	t.Skip("grpcurl is not installed: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4")
	return ""
}

// grpcurl runs grpcurl with args and returns its output, failing the test
// when the exit status is not want.
func grpcurl(t *testing.T, want int, args ...string) string {
	t.Helper()
	cmd := exec.Command(grpcurlPath(t), args...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("grpcurl %v: %v", args, err)
	}
	if code != want {
		t.Fatalf("grpcurl %v exited %d, want %d:\n%s", args, code, want, out)
	}
	return string(out)
}

func TestGrpcurl(t *testing.T) {
	srv := openServer(t)
	addr := srv.GRPC

	t.Run("list shows Dozer's services", func(t *testing.T) {
		out := grpcurl(t, 0, "-plaintext", addr, "list")
		for _, svc := range []string{
			"dozer.common.CommonGrpcService", "dozer.health.HealthGrpcService",
			"dozer.generated.stocks_meta.StocksMetas", "dozer.generated.trips_cache.TripsCaches",
			"dozer.generated.pickup.Pickups", "grpc.health.v1.Health",
		} {
			if !strings.Contains(out, svc+"\n") {
				t.Errorf("list lacks %s:\n%s", svc, out)
			}
		}
	})
	t.Run("describe a typed service", func(t *testing.T) {
		out := grpcurl(t, 0, "-plaintext", addr, "describe", "dozer.generated.stocks_meta.StocksMetas")
		if !strings.Contains(out, "rpc count") || !strings.Contains(out, "rpc query") {
			t.Fatalf("describe:\n%s", out)
		}
	})
	t.Run("typed query", func(t *testing.T) {
		out := grpcurl(t, 0, "-plaintext", "-d", `{"query": "{\"$filter\": {\"trip_id\": 5}}"}`,
			addr, "dozer.generated.trips_cache.TripsCaches/query")
		var res struct {
			Records []map[string]any `json:"records"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Records) != 1 {
			t.Fatalf("typed query: %v\n%s", err, out)
		}
		if res.Records[0]["tripId"] != "5" {
			t.Fatalf("record %v", res.Records[0])
		}
	})
	t.Run("common count", func(t *testing.T) {
		out := grpcurl(t, 0, "-plaintext", "-d", `{"endpoint": "pickup"}`,
			addr, "dozer.common.CommonGrpcService/count")
		want := oracleInt(t, `SELECT count(*) FROM pickup`)
		var res struct{ Count string }
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Count != itoa(want) {
			t.Fatalf("count %q, want %d\n%s", res.Count, want, out)
		}
	})
	t.Run("bad query is InvalidArgument", func(t *testing.T) {
		out := grpcurl(t, 67, "-plaintext", "-d", `{"endpoint": "pickup", "query": "{\"$limit\": -3}"}`,
			addr, "dozer.common.CommonGrpcService/query")
		if !strings.Contains(out, "InvalidArgument") {
			t.Fatalf("output:\n%s", out)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
