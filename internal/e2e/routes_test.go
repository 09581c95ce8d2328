package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	_ "github.com/gantry-dev/gantry/gen/gantry/endpoints"
)

var execCommand = exec.Command

type route struct{ method, path string }

var pathVar = regexp.MustCompile(`\{[^}]+\}`)

// restRoutes lists every REST route declared with google.api.http in the
// compiled protos, with path variables filled in.
func restRoutes(t *testing.T) []route {
	var out []route
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(fd.Path(), "dozer/") && !strings.HasPrefix(fd.Path(), "gantry/") {
			return true
		}
		for i := 0; i < fd.Services().Len(); i++ {
			methods := fd.Services().Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				opts, _ := methods.Get(j).Options().(*descriptorpb.MethodOptions)
				if opts == nil || !proto.HasExtension(opts, annotations.E_Http) {
					continue
				}
				rule := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule)
				method, path := "GET", rule.GetGet()
				if p := rule.GetPost(); p != "" {
					method, path = "POST", p
				}
				out = append(out, route{method, pathVar.ReplaceAllString(path, "1")})
			}
		}
		return true
	})
	if len(out) < 10 {
		t.Fatalf("found only %d REST routes", len(out))
	}
	return out
}
