package e2e

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"google.golang.org/grpc/metadata"
	reflectalpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
)

// TestBufCurl calls gantry with buf curl, through reflection, in each of
// its protocols, with a token.
func TestBufCurl(t *testing.T) {
	srv := securedServer(t)
	master := matrixTokens(t, srv).master
	want := oracleInt(t, `SELECT count(*) FROM pickup`)
	for _, protocol := range []string{"grpc", "grpcweb", "connect"} {
		t.Run(protocol, func(t *testing.T) {
			args := []string{"tool", "-modfile=tools/go.mod", "buf", "curl", "--protocol", protocol,
				"-H", "Authorization: Bearer " + master, "--data", `{"endpoint": "pickup"}`}
			if protocol == "grpc" {
				args = append(args, "--http2-prior-knowledge")
			}
			cmd := exec.Command("go", append(args, srv.URL()+"/dozer.common.CommonGrpcService/count")...)
			cmd.Dir = repoRootDir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("buf curl: %v\n%s", err, out)
			}
			var res struct{ Count string }
			if err := json.Unmarshal(out, &res); err != nil || res.Count != itoa(want) {
				t.Fatalf("count %q, want %d\n%s", res.Count, want, out)
			}
		})
	}
}

// TestReflectionV1Alpha lists services through the v1alpha reflection
// service that grpc_cli and Dozer's Python client use (grpc_cli itself has
// no package here).
func TestReflectionV1Alpha(t *testing.T) {
	srv := openServer(t)
	client := reflectalpha.NewServerReflectionClient(grpcConn(t, srv.GRPC))
	stream, err := client.ServerReflectionInfo(metadata.NewOutgoingContext(ctxFor(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectalpha.ServerReflectionRequest{
		MessageRequest: &reflectalpha.ServerReflectionRequest_ListServices{},
	}); err != nil {
		t.Fatal(err)
	}
	res, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range res.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	if !strings.Contains(strings.Join(names, " "), "dozer.common.CommonGrpcService") {
		t.Fatalf("v1alpha services %v", names)
	}
	stream.CloseSend()
}
