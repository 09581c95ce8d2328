package scaffold

import (
	"fmt"
	"strconv"
	"strings"
)

// Render returns the endpoint file for e: its (gantry.v1.endpoint) option,
// its record message, Dozer's typed service and the REST service, formatted
// as `buf format` formats them and clean under the repository's lint rules.
//
// previous is the file's current content, or nil (or empty) for a new file.
// With a previous file, every field that keeps its name keeps its number
// (even when its type changes, which Breaking then reports), new fields take
// numbers above the highest the record ever used, a removed field's number
// and name become reserved, and the two identity fields keep theirs. The
// leading // comments of the package and of every declaration that is
// written again are kept as well; other comments are not.
//
// Render returns an error wrapping ErrInvalid when e cannot become an
// endpoint file, and a "previous file" error when previous cannot be read.
func Render(e Endpoint, previous []byte) ([]byte, error) {
	e = e.withDefaults()
	if err := e.validate(); err != nil {
		return nil, err
	}
	pkg, service, record := Names(e.Name)
	f := &file{
		Endpoint: e,
		pkg:      pkg,
		service:  service,
		record:   record,
		comments: map[string][]string{},
	}

	names := make([]string, 0, len(e.Fields)+2)
	for _, fld := range e.Fields {
		names = append(names, fld.Name)
	}
	names = append(names, recordIDField, recordVersionField)
	prevRecord, err := f.keep(previous)
	if err != nil {
		return nil, fmt.Errorf("previous file: %w", err)
	}
	if f.numbers, err = number(names, prevRecord); err != nil {
		return nil, fmt.Errorf("previous file: %w", err)
	}
	return f.write(), nil
}

// keep reads a previous file's comments into f and returns its record
// message, or nil when there is no previous file.
func (f *file) keep(previous []byte) (*message, error) {
	if len(previous) == 0 {
		return nil, nil
	}
	prev, err := parsePrevious(previous)
	if err != nil {
		return nil, err
	}
	m, err := prev.recordMessage(f.record)
	if err != nil {
		return nil, err
	}
	f.comments = prev.comments
	for _, fld := range m.fields {
		f.comments["field "+fld.name] = fld.lead
	}
	return m, nil
}

// recordMessage returns the previous file's record message: the one its
// endpoint option names, or else the one named record.
func (p *previous) recordMessage(record string) (*message, error) {
	name := p.record
	if name == "" {
		name = record
	}
	m, ok := p.messages[name]
	if !ok {
		return nil, fmt.Errorf("record message %s not found", name)
	}
	if m.unsupported != "" {
		return nil, fmt.Errorf("record message %s: cannot keep a %s", name, m.unsupported)
	}
	return m, nil
}

// file is everything an endpoint file is written from.
type file struct {
	Endpoint
	pkg, service, record string
	numbers              numbering
	comments             map[string][]string
	b                    strings.Builder
}

func (f *file) write() []byte {
	f.header()
	f.option()
	f.recordMessage()
	f.messages()
	f.typedService()
	f.restService()
	return []byte(f.b.String())
}

// line writes one line indented by depth levels of two spaces.
func (f *file) line(depth int, text string) {
	if text != "" {
		f.b.WriteString(strings.Repeat("  ", depth))
		f.b.WriteString(text)
	}
	f.b.WriteByte('\n')
}

// comment writes the kept comment for key, or else generated.
func (f *file) comment(depth int, key, generated string) {
	lines := f.comments[key]
	if lines == nil {
		f.line(depth, "// "+generated)
		return
	}
	for _, l := range lines {
		f.line(depth, "//"+l)
	}
}

func (f *file) header() {
	f.line(0, `syntax = "proto3";`)
	f.line(0, "")
	f.comment(0, "package", fmt.Sprintf(
		"Endpoint %s: its records, Dozer's typed service and the REST routes.", f.Name))
	f.line(0, "package "+f.pkg+";")
	f.line(0, "")
	imports := []string{
		"dozer/types/types.proto",
		"gantry/v1/binding.proto",
		"gantry/v1/rest.proto",
		"google/api/annotations.proto",
	}
	if f.usesTimestamp() {
		imports = append(imports, "google/protobuf/timestamp.proto")
	}
	for _, imp := range imports {
		f.line(0, "import "+strconv.Quote(imp)+";")
	}
	f.line(0, "")
}

func (f *file) usesTimestamp() bool {
	for _, fld := range f.Fields {
		if fieldTypes[fld.Type].proto == timestampType {
			return true
		}
	}
	return false
}

func (f *file) option() {
	f.line(0, "option (gantry.v1.endpoint) = {")
	f.line(1, "name: "+strconv.Quote(f.Name))
	f.line(1, "path: "+strconv.Quote(f.Path))
	if f.Table != f.Name {
		f.line(1, "table: "+strconv.Quote(f.Table))
	}
	f.line(1, "record: "+strconv.Quote(f.record))
	if len(f.PrimaryKey) > 0 {
		f.list(1, "primary_key", f.PrimaryKey)
	}
	if len(f.Indexes) > 0 {
		f.line(1, "indexes: [")
		for i, ix := range f.Indexes {
			f.line(2, "{")
			f.list(3, "fields", ix)
			f.line(2, "}"+comma(i < len(f.Indexes)-1))
		}
		f.line(1, "]")
	}
	f.line(0, "};")
	f.line(0, "")
}

// list writes a text-format list of strings the way buf format does: on one
// line when it has one element, else one element a line.
func (f *file) list(depth int, key string, values []string) {
	if len(values) == 1 {
		f.line(depth, key+": ["+strconv.Quote(values[0])+"]")
		return
	}
	f.line(depth, key+": [")
	for i, v := range values {
		f.line(depth+1, strconv.Quote(v)+comma(i < len(values)-1))
	}
	f.line(depth, "]")
}

func comma(more bool) string {
	if more {
		return ","
	}
	return ""
}

func (f *file) recordMessage() {
	f.comment(0, "message "+f.record,
		fmt.Sprintf("%s is one record of endpoint %s.", f.record, f.Name))
	f.line(0, "message "+f.record+" {")
	if len(f.numbers.reserved) > 0 {
		f.line(1, "reserved "+joinRanges(f.numbers.reserved)+";")
	}
	if len(f.numbers.reservedNames) > 0 {
		quoted := make([]string, len(f.numbers.reservedNames))
		for i, n := range f.numbers.reservedNames {
			quoted[i] = strconv.Quote(n)
		}
		f.line(1, "reserved "+strings.Join(quoted, ", ")+";")
	}
	for _, fld := range f.Fields {
		t := fieldTypes[fld.Type]
		decl := t.proto + " " + fld.Name + " = " + f.num(fld.Name)
		if fld.Nullable {
			decl = "optional " + decl
		}
		if t.option != "" {
			decl += " [(gantry.v1.field).type = " + t.option + "]"
		}
		f.fieldComment(fld.Name)
		f.line(1, decl+";")
	}
	f.fieldComment(recordIDField)
	f.line(1, "uint64 "+recordIDField+" = "+f.num(recordIDField)+";")
	f.fieldComment(recordVersionField)
	f.line(1, "uint32 "+recordVersionField+" = "+f.num(recordVersionField)+";")
	f.line(0, "}")
	f.line(0, "")
}

func (f *file) num(field string) string {
	return strconv.Itoa(int(f.numbers.number[field]))
}

// fieldComment writes a field's kept comment; new fields get none.
func (f *file) fieldComment(name string) {
	for _, l := range f.comments["field "+name] {
		f.line(1, "//"+l)
	}
}

func (f *file) messages() {
	p, r := f.service, f.record
	f.message("Query"+p+"Request", "holds an optional JSON query.",
		"optional string query = 1;")
	f.message("Count"+p+"Response", "is a record count.",
		"uint64 count = 1;")
	f.message("Query"+p+"Response", "holds the matching records.",
		"repeated "+r+" records = 1;")
	f.message(r+"Event", "is one change to a record.",
		"dozer.types.OperationType typ = 1;",
		"optional "+r+" old = 2;",
		r+" new = 3;")
}

func (f *file) message(name, doc string, fields ...string) {
	f.comment(0, "message "+name, name+" "+doc)
	f.line(0, "message "+name+" {")
	for _, fld := range fields {
		f.line(1, fld)
	}
	f.line(0, "}")
	f.line(0, "")
}

func (f *file) typedService() {
	p := f.service
	f.comment(0, "service "+p, p+" is the typed service, named as Dozer names it.")
	f.line(0, "service "+p+" {")
	f.rpc(p, "count", "returns how many records match the query.",
		"Query"+p+"Request", "Count"+p+"Response", true)
	f.line(0, "")
	f.rpc(p, "query", "returns the records that match the query.",
		"Query"+p+"Request", "Query"+p+"Response", true)
	f.line(0, "")
	f.comment(1, "rpc "+p+".OnEvent", "OnEvent streams changes to records.")
	f.line(1, "rpc OnEvent(dozer.types.EventFilter) returns (stream "+f.record+"Event);")
	f.line(0, "}")
	f.line(0, "")
}

// rpc writes a unary method, with no side effects when pure, and leaves its
// body open when route is set so that the caller can add the route.
func (f *file) rpc(service, method, doc, in, out string, pure bool, route ...string) {
	f.comment(1, "rpc "+service+"."+method, method+" "+doc)
	f.line(1, "rpc "+method+"("+in+") returns ("+out+") {")
	if pure {
		f.line(2, "option idempotency_level = NO_SIDE_EFFECTS;")
	}
	switch len(route) {
	case 1:
		f.line(2, "option (google.api.http) = {"+route[0]+"};")
	case 2:
		f.line(2, "option (google.api.http) = {")
		f.line(3, route[0])
		f.line(3, route[1])
		f.line(2, "};")
	}
	f.line(1, "}")
}

func (f *file) restService() {
	rest := f.service + "Rest"
	get := func(path string) string { return "get: " + strconv.Quote(path) }
	post := func(path string) string { return "post: " + strconv.Quote(f.Path+path) }
	body := `body: "body"`

	f.comment(0, "service "+rest, rest+" holds the REST routes of the endpoint.")
	f.line(0, "service "+rest+" {")
	f.rpc(rest, "List", "returns the first page of records.",
		"gantry.v1.ListRequest", "gantry.v1.RecordsResponse", true, get(f.Path))
	f.line(0, "")
	f.rpc(rest, "Get", "returns one record by its primary key.",
		"gantry.v1.GetRequest", "gantry.v1.RecordResponse", true, get(f.Path+"/{id}"))
	f.line(0, "")
	f.rpc(rest, "Count", "returns how many records match the query in the body.",
		"gantry.v1.QueryRequest", "gantry.v1.CountResponse", false, post("/count"), body)
	f.line(0, "")
	f.rpc(rest, "Query", "returns the records that match the query in the body.",
		"gantry.v1.QueryRequest", "gantry.v1.RecordsResponse", false, post("/query"), body)
	f.line(0, "")
	f.rpc(rest, "Phase", "reports whether the data is still loading.",
		"gantry.v1.PhaseRequest", "gantry.v1.PhaseResponse", false, post("/phase"))
	f.line(0, "")
	f.rpc(rest, "OpenAPI", "describes the endpoint's routes.",
		"gantry.v1.OpenAPIRequest", "gantry.v1.OpenAPIResponse", false, post("/oapi"))
	f.line(0, "}")
}
