package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	"github.com/gantry-dev/gantry/internal/schema"
)

// repoRoot is where buf runs from, with tools/go.mod and buf.yaml.
const repoRoot = "../.."

// bufWorkspace returns a temporary copy of the repository's buf workspace
// with files written into it, removed when the test ends.
func bufWorkspace(t *testing.T, files map[string][]byte) string {
	t.Helper()
	if err := ensureGoogleapis(t.Context(), repoRoot); err != nil {
		t.Fatal(err)
	}
	dir, err := newWorkspace(repoRoot, files)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// runBuf runs buf from the repository root and returns its output.
func runBuf(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := bufCommand(t.Context(), repoRoot, args...).CombinedOutput()
	return string(out), err
}

// evolved is trips_cache, renamed trips_evolved so that it can sit beside
// it, after an edit that removes a field, adds two and swaps two, rendered
// over the shipped file.
func evolved(t *testing.T) (Endpoint, []byte) {
	t.Helper()
	e := tripsCache
	e.Name = "trips_evolved"
	e.Fields = slices.Clone(e.Fields[:9]) // without payment_type
	e.Fields[0], e.Fields[1] = e.Fields[1], e.Fields[0]
	e.Fields = append(e.Fields,
		Field{Name: "note", Type: typespb.Type_Text, Nullable: true},
		Field{Name: "fare", Type: typespb.Type_Decimal})
	return e, mustRender(t, e, readShipped(t, "trips_cache"))
}

// rendered returns the files the buf tests check, by path.
func rendered(t *testing.T) (map[string]Endpoint, map[string][]byte) {
	t.Helper()
	eps := map[string]Endpoint{}
	files := map[string][]byte{}
	for _, e := range []Endpoint{
		everyType,
		tripsCache,
		{Name: "sales_2024", Fields: []Field{{Name: "id", Type: typespb.Type_UInt}}},
		{Name: "films", PrimaryKey: []string{"film_id"}, Fields: []Field{
			{Name: "film_id", Type: typespb.Type_Int},
			{Name: "title", Type: typespb.Type_String},
		}},
	} {
		eps[FilePath(e.Name)] = e
		files[FilePath(e.Name)] = mustRender(t, e, nil)
	}
	e, src := evolved(t)
	eps[FilePath(e.Name)] = e
	files[FilePath(e.Name)] = src
	return eps, files
}

func TestRenderPassesLintAndFormat(t *testing.T) {
	t.Parallel()
	_, files := rendered(t)
	dir := bufWorkspace(t, files)

	lint := []string{"lint", filepath.Join(dir, "proto")}
	var paths []string
	for name := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		lint = append(lint, "--path", p)
		paths = append(paths, p)
	}
	if out, err := runBuf(t, lint...); err != nil {
		t.Errorf("buf lint: %v\n%s", err, out)
	}
	for _, p := range paths {
		if out, err := runBuf(t, "format", "--diff", "--exit-code", p); err != nil {
			t.Errorf("buf format %s: %v\n%s", filepath.Base(p), err, out)
		}
	}
}

// TestRenderRoundTrip compiles rendered files with buf and reads them back
// the way the server does, with schema.FromFile.
func TestRenderRoundTrip(t *testing.T) {
	t.Parallel()
	eps, files := rendered(t)
	dir := bufWorkspace(t, files)
	image := filepath.Join(dir, "image.binpb")
	if out, err := runBuf(t, "build", filepath.Join(dir, "proto"),
		"--as-file-descriptor-set", "-o", image); err != nil {
		t.Fatalf("buf build: %v\n%s", err, out)
	}
	reg := loadImage(t, image)

	for name, e := range eps {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fd, err := reg.FindFileByPath(strings.TrimPrefix(name, "proto/"))
			if err != nil {
				t.Fatal(err)
			}
			checkSchema(t, fd, e.withDefaults())
			checkServices(t, fd, e.withDefaults())
		})
	}

	t.Run("numbers after an edit", func(t *testing.T) {
		t.Parallel()
		fd, err := reg.FindFileByPath("dozer/generated/trips_evolved/trips_evolved.proto")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int32{}
		fields := fd.Messages().ByName("TripsEvolved").Fields()
		for i := range fields.Len() {
			got[string(fields.Get(i).Name())] = int32(fields.Get(i).Number())
		}
		want := map[string]int32{
			"pickup_at": 2, "trip_id": 1, "dropoff_at": 3, "pickup_location_id": 4,
			"dropoff_location_id": 5, "passenger_count": 6, "trip_distance": 7,
			"fare_amount": 8, "tip_amount": 9, "note": 13, "fare": 14,
			recordIDField: 11, recordVersionField: 12,
		}
		if !mapsEqual(got, want) {
			t.Fatalf("numbers = %v, want %v", got, want)
		}
		reserved := fd.Messages().ByName("TripsEvolved").ReservedNames()
		if reserved.Len() != 1 || reserved.Get(0) != "payment_type" {
			t.Fatalf("reserved names = %v, want [payment_type]", reserved)
		}
	})
}

func loadImage(t *testing.T, path string) *protoregistry.Files {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	reg, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// checkSchema reads fd as the server does and compares it with e.
func checkSchema(t *testing.T, fd protoreflect.FileDescriptor, e Endpoint) {
	t.Helper()
	s, err := schema.FromFile(fd)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != e.Name || s.Path != e.Path || s.Table != e.Table {
		t.Errorf("schema = %s %s %s, want %s %s %s",
			s.Name, s.Path, s.Table, e.Name, e.Path, e.Table)
	}
	if len(s.Fields) != len(e.Fields) {
		t.Fatalf("schema has %d fields, want %d", len(s.Fields), len(e.Fields))
	}
	for i, f := range s.Fields {
		want := e.Fields[i]
		// schema reports every message field as nullable; the optional
		// keyword is what Render writes for Nullable.
		nullable := f.Desc.HasOptionalKeyword()
		if f.Name != want.Name || f.Type != want.Type || nullable != want.Nullable {
			t.Errorf("field %d = %s %s nullable=%v, want %s %s nullable=%v",
				i, f.Name, f.Type, nullable, want.Name, want.Type, want.Nullable)
		}
	}
	if s.IDField == nil || s.VersionField == nil {
		t.Errorf("record has no identity fields")
	}
	if got := fieldNames(s, s.PrimaryKey); !slices.Equal(got, e.PrimaryKey) {
		t.Errorf("primary key = %v, want %v", got, e.PrimaryKey)
	}
	if len(s.Indexes) != len(e.Indexes) {
		t.Fatalf("schema has %d indexes, want %d", len(s.Indexes), len(e.Indexes))
	}
	for i, ix := range s.Indexes {
		if got := fieldNames(s, ix); !slices.Equal(got, e.Indexes[i]) {
			t.Errorf("index %d = %v, want %v", i, got, e.Indexes[i])
		}
	}
}

func fieldNames(s *schema.Endpoint, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, s.Fields[i].Name)
	}
	return out
}

// checkServices checks the typed and REST services, the methods that
// protoc-gen-gantry looks for, and the REST routes.
func checkServices(t *testing.T, fd protoreflect.FileDescriptor, e Endpoint) {
	t.Helper()
	pkg, service, record := Names(e.Name)
	if string(fd.Package()) != pkg {
		t.Errorf("package = %s, want %s", fd.Package(), pkg)
	}
	typed := fd.Services().ByName(protoreflect.Name(service))
	if typed == nil {
		t.Fatalf("no service %s", service)
	}
	if got := methodNames(typed); !slices.Equal(got, []string{"count", "query", "OnEvent"}) {
		t.Errorf("%s methods = %v", service, got)
	}
	query := typed.Methods().ByName("query").Output().Fields().ByName("records")
	if query == nil || !query.IsList() || string(query.Message().Name()) != record {
		t.Errorf("query response records = %v, want repeated %s", query, record)
	}
	if !typed.Methods().ByName("OnEvent").IsStreamingServer() {
		t.Errorf("OnEvent does not stream")
	}

	rest := fd.Services().ByName(protoreflect.Name(service + "Rest"))
	if rest == nil {
		t.Fatalf("no service %sRest", service)
	}
	want := map[string]string{
		"List":    "GET " + e.Path,
		"Get":     "GET " + e.Path + "/{id}",
		"Count":   "POST " + e.Path + "/count body",
		"Query":   "POST " + e.Path + "/query body",
		"Phase":   "POST " + e.Path + "/phase",
		"OpenAPI": "POST " + e.Path + "/oapi",
	}
	methods := rest.Methods()
	if methods.Len() != len(want) {
		t.Errorf("%sRest has %d methods, want %d", service, methods.Len(), len(want))
	}
	for i := range methods.Len() {
		m := methods.Get(i)
		if got := route(m); got != want[string(m.Name())] {
			t.Errorf("%s route = %q, want %q", m.Name(), got, want[string(m.Name())])
		}
	}
}

func methodNames(s protoreflect.ServiceDescriptor) []string {
	var out []string
	for i := range s.Methods().Len() {
		out = append(out, string(s.Methods().Get(i).Name()))
	}
	return out
}

func route(m protoreflect.MethodDescriptor) string {
	opts := m.Options().(*descriptorpb.MethodOptions)
	rule, _ := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule)
	var out string
	switch {
	case rule.GetGet() != "":
		out = "GET " + rule.GetGet()
	case rule.GetPost() != "":
		out = "POST " + rule.GetPost()
	}
	if rule.GetBody() != "" {
		out += " " + rule.GetBody()
	}
	return out
}
