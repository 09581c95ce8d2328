package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpcreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// TestDocumentedFlow replays the security walkthrough of the README with
// real tools: anonymous calls fail, generate-token prints a master token,
// the master token reads and mints, and the minted token is restricted.
func TestDocumentedFlow(t *testing.T) {
	srv := securedServer(t)
	base := srv.URL()

	r := call(t, "GET", base+"/trips/1", "").want(t, 401)
	if r.Header.Get("WWW-Authenticate") != `Bearer realm="gantry"` {
		t.Fatalf("challenge %q", r.Header.Get("WWW-Authenticate"))
	}
	grpcurl(t, 80, "-plaintext", "-d", `{"endpoint":"trips_cache"}`, srv.GRPC, "dozer.common.CommonGrpcService/count")

	out, err := generateToken(t)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "\n") != 1 || strings.Count(out, ".") != 2 {
		t.Fatalf("generate-token printed %q; want one token and nothing else", out)
	}
	master := strings.TrimSpace(out)
	call(t, "GET", base+"/trips/1", "", "Authorization", "Bearer "+master).want(t, 200)

	var minted struct{ Token string }
	call(t, "POST", base+"/auth/token?ttl=10m", `{"Custom": {"trips_cache": {"filter": {"payment_type": "Cash"}}}}`,
		"Authorization", "Bearer "+master).want(t, 200).decode(t, &minted)

	grpcOut := grpcurl(t, 0, "-plaintext", "-H", "authorization: Bearer "+master,
		"-d", `{"access_filter": "{\"Custom\": {\"trips_cache\": {}}}"}`, srv.GRPC, "dozer.auth.AuthGrpcService/getAuthToken")
	var viaGRPC struct{ Token string }
	if err := json.Unmarshal([]byte(grpcOut), &viaGRPC); err != nil || viaGRPC.Token == "" {
		t.Fatalf("getAuthToken: %v\n%s", err, grpcOut)
	}

	restricted := "Bearer " + minted.Token
	var n int64
	call(t, "POST", base+"/trips/count", "", "Authorization", restricted).want(t, 200).decode(t, &n)
	if want := oracleInt(t, `SELECT count(*) FROM trips_cache WHERE payment_type = 'Cash'`); n != want {
		t.Fatalf("restricted count %d, want %d", n, want)
	}
	call(t, "POST", base+"/pickup/count", "", "Authorization", restricted).want(t, 403)
	call(t, "POST", base+"/auth/token", `"All"`, "Authorization", restricted).want(t, 403)
	grpcurl(t, 71, "-plaintext", "-H", "authorization: "+restricted, "-d", `{"endpoint":"pickup"}`,
		srv.GRPC, "dozer.common.CommonGrpcService/count")
	countOut := grpcurl(t, 0, "-plaintext", "-H", "authorization: "+restricted,
		srv.GRPC, "dozer.generated.trips_cache.TripsCaches/count")
	if !strings.Contains(countOut, fmt.Sprintf(`"count": "%d"`, n)) {
		t.Fatalf("typed count:\n%s", countOut)
	}

	// The whole-endpoint grant of the documented example reaches every row.
	whole := "Bearer " + viaGRPC.Token
	call(t, "POST", base+"/trips/count", "", "Authorization", whole).want(t, 200).decode(t, &n)
	if n != oracleInt(t, `SELECT count(*) FROM trips_cache`) {
		t.Fatalf("whole-endpoint count %d", n)
	}
}

// TestMintRejectsMistakes: a typo in the requested access is a 400 naming
// it, never a useless token.
func TestMintRejectsMistakes(t *testing.T) {
	srv := securedServer(t)
	master := matrixTokens(t, srv).master
	cases := []struct{ name, body, query, mention string }{
		{"unknown endpoint", `{"Custom": {"trips": {}}}`, "", "trips"},
		{"unknown field", `{"Custom": {"trips_cache": {"fields": ["fare"]}}}`, "", "fare"},
		{"bad filter operator", `{"Custom": {"trips_cache": {"filter": {"fare_amount": {"$gtt": 1}}}}}`, "", "$gtt"},
		{"filter on unknown field", `{"Custom": {"trips_cache": {"filter": {"fair": 1}}}}`, "", "fair"},
		{"not access json", `{"Everything": true}`, "", "Everything"},
		{"empty body", ``, "", "All"},
		{"zero ttl", `"All"`, "?ttl=0s", "ttl"},
		{"negative ttl", `"All"`, "?ttl=-5m", "ttl"},
		{"garbage ttl", `"All"`, "?ttl=soon", "soon"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, "POST", srv.URL()+"/auth/token"+c.query, c.body, "Authorization", "Bearer "+master).want(t, 400)
			if !strings.Contains(string(r.Body), c.mention) {
				t.Fatalf("message %s does not mention %q", r.Body, c.mention)
			}
		})
	}
}

// TestMintedTokenNeverOutlivesItsParent: a token minted by a short-lived
// master token expires with it, whatever ttl is asked for.
func TestMintedTokenNeverOutlivesItsParent(t *testing.T) {
	srv := securedServer(t)
	out, err := generateToken(t, "--ttl", "3s")
	if err != nil {
		t.Fatal(err)
	}
	master := strings.TrimSpace(out)
	var minted struct{ Token string }
	call(t, "POST", srv.URL()+"/auth/token?ttl=24h", `"All"`, "Authorization", "Bearer "+master).
		want(t, 200).decode(t, &minted)
	call(t, "GET", srv.URL()+"/", "", "Authorization", "Bearer "+minted.Token).want(t, 200)
	// Past the parent's expiry and the 30 s leeway the child must be refused.
	if testing.Short() {
		t.Skip("waits for expiry")
	}
	time.Sleep(35 * time.Second)
	r := call(t, "GET", srv.URL()+"/", "", "Authorization", "Bearer "+minted.Token).want(t, 401)
	if !strings.Contains(r.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("challenge %q", r.Header.Get("WWW-Authenticate"))
	}
}

// TestEveryProcedureNeedsAToken lists every service through reflection and
// every REST route from the descriptors, and calls each anonymously: all
// are refused except health checks, CORS preflights and reflection.
func TestEveryProcedureNeedsAToken(t *testing.T) {
	srv := securedServer(t)
	client := grpcreflect.NewClient(h2cClient(), srv.URL(), connect.WithGRPC())
	stream := client.NewStream(ctxFor(t))
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]bool{
		"dozer.health.HealthGrpcService": true, "grpc.health.v1.Health": true,
		"grpc.reflection.v1.ServerReflection": true, "grpc.reflection.v1alpha.ServerReflection": true,
	}
	checked := 0
	for _, name := range names {
		files, err := stream.FileContainingSymbol(name)
		if err != nil {
			t.Fatalf("resolve %s: %v", name, err)
		}
		for _, m := range serviceMethods(files, string(name)) {
			procedure := fmt.Sprintf("/%s/%s", name, m.GetName())
			ct := "application/proto"
			body := ""
			if m.GetServerStreaming() || m.GetClientStreaming() {
				ct = "application/connect+proto"
				body = "\x00\x00\x00\x00\x00"
			}
			status := anonymousStatus(t, srv.URL()+procedure, ct, body)
			wantOpen := open[string(name)] || procedure == "/gantry.v1.RestService/Health"
			if wantOpen && status == 401 {
				t.Errorf("%s is refused anonymously but should be open", procedure)
			}
			if !wantOpen && status != 401 {
				t.Errorf("%s answered %d to an anonymous call, want 401", procedure, status)
			}
			checked++
		}
	}
	for _, route := range restRoutes(t) {
		r := call(t, route.method, srv.URL()+route.path, "")
		wantOpen := route.path == "/health"
		if wantOpen != (r.Status != 401) {
			t.Errorf("%s %s answered %d anonymously (open: %v)", route.method, route.path, r.Status, wantOpen)
		}
		checked++
	}
	r := call(t, "OPTIONS", srv.URL()+"/trips/count", "", "Origin", "http://app.example",
		"Access-Control-Request-Method", "POST")
	if r.Status/100 != 2 {
		t.Errorf("preflight answered %d", r.Status)
	}
	if checked < 40 {
		t.Fatalf("only %d procedures and routes checked", checked)
	}
}

// TestReflectionFlag: with authenticate_server_reflection, reflection needs
// a token too.
func TestReflectionFlag(t *testing.T) {
	openServer(t)
	srv := startGantry(t, securedConfig(t, "flags:\n  authenticate_server_reflection: true\n"))
	grpcurl(t, 1, "-plaintext", srv.GRPC, "list")
	master := matrixTokens(t, securedServer(t)).master
	out := grpcurl(t, 0, "-plaintext", "-H", "authorization: Bearer "+master, srv.GRPC, "list")
	if !strings.Contains(out, "dozer.common.CommonGrpcService") {
		t.Fatalf("list with token:\n%s", out)
	}
}

// TestSecretRules: weak or empty secrets are refused at start; `!Jwt` with
// no value generates one kept with 0600 permissions.
func TestSecretRules(t *testing.T) {
	openServer(t)
	bin := gantryBinary(t)
	run := func(cfg string, env ...string) (string, error) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "gantry.yaml"), cfg)
		cmd := execCommand(bin, "api", "generate-token", "--config", filepath.Join(dir, "gantry.yaml"))
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(securedConfig(t, ""), "GANTRY_JWT_SECRET="); err == nil || !strings.Contains(out, "openssl rand") {
		t.Errorf("empty env secret accepted: %s", out)
	}
	if out, err := run(securedConfig(t, ""), "DOZER_MASTER_SECRET=short"); err == nil || !strings.Contains(out, "32") {
		t.Errorf("short env secret accepted: %s", out)
	}
	if out, err := run(openConfig(t) + "  api_security: !Jwt tooshort\n"); err == nil {
		t.Errorf("short config secret accepted: %s", out)
	}
	home := t.TempDir()
	cfg := fmt.Sprintf("home_dir: %s\napi_security: !Jwt\n", home)
	if out, err := run(cfg); err != nil {
		t.Fatalf("generated secret: %v %s", err, out)
	}
	info, err := os.Stat(filepath.Join(home, "jwt-secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	if out, err := run(openConfig(t)); err == nil || !strings.Contains(out, "api_security") {
		t.Errorf("token without security: %s", out)
	}
	for _, ttl := range []string{"0s", "-1h"} {
		if _, err := generateToken(t, "--ttl", ttl); err == nil {
			t.Errorf("--ttl %s accepted", ttl)
		}
	}
}

// anonymousStatus calls a procedure without a token and returns 401 when
// it was refused, else the HTTP status. Connect streams report errors in
// their last message, so only the start of a stream is read: open streams
// such as healthWatch never end by themselves.
func anonymousStatus(t *testing.T, url, contentType, body string) int {
	req, err := http.NewRequestWithContext(ctxFor(t), "POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Connect-Protocol-Version", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadAtLeast(resp.Body, buf, 1)
	if strings.Contains(string(buf[:n]), `"code":"unauthenticated"`) {
		return 401
	}
	return resp.StatusCode
}

// h2cClient speaks HTTP/2 without TLS, as gRPC clients do.
func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

// serviceMethods finds a service's methods among reflected files.
func serviceMethods(files []*descriptorpb.FileDescriptorProto, name string) []*descriptorpb.MethodDescriptorProto {
	for _, f := range files {
		for _, s := range f.GetService() {
			if f.GetPackage()+"."+s.GetName() == name {
				return s.GetMethod()
			}
		}
	}
	return nil
}
