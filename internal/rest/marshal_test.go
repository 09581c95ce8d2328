package rest

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
)

func TestWriteFloat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   float64
		want string
	}{
		{1, "1.0"}, {2.5, "2.5"}, {-3, "-3.0"}, {0.1, "0.1"}, {1e21, "1000000000000000000000"},
		{math.NaN(), "null"}, {math.Inf(1), "null"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		writeFloat(&b, c.in)
		if b.String() != c.want {
			t.Errorf("writeFloat(%v) = %s, want %s", c.in, b.String(), c.want)
		}
	}
}

func TestMarshalRecords(t *testing.T) {
	t.Parallel()
	fields := []*typespb.FieldDefinition{
		{Name: "id", Typ: typespb.Type_UInt}, {Name: "at", Typ: typespb.Type_Timestamp},
		{Name: "note", Typ: typespb.Type_String, Nullable: true}, {Name: "ok", Typ: typespb.Type_Boolean},
	}
	at := time.Date(2001, 1, 1, 0, 4, 0, 0, time.UTC)
	rec := &typespb.Record{Id: 7, Version: 1, Values: []*typespb.Value{
		{Value: &typespb.Value_UintValue{UintValue: 18446744073709551615}},
		{Value: &typespb.Value_TimestampValue{TimestampValue: timestamppb.New(at)}},
		{},
		{Value: &typespb.Value_BoolValue{BoolValue: true}},
	}}
	out, err := dozerJSON{}.Marshal(&gantryv1.RecordsResponse{Fields: fields, Records: []*typespb.Record{rec}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":18446744073709551615,"at":"2001-01-01T00:04:00.000Z","note":null,"ok":true,` +
		`"__dozer_record_id":7,"__dozer_record_version":1}]`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	if !json.Valid(out) {
		t.Fatal("invalid JSON")
	}
	n, _ := dozerJSON{}.Marshal(&gantryv1.CountResponse{Count: 52})
	if string(n) != "52" {
		t.Fatalf("count %s", n)
	}
}

// FuzzDecoder: whatever the body, the decoder never panics, and []byte
// targets get the body unchanged.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte(`{"$filter":{"a":1}}`))
	f.Add([]byte("  \n"))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw []byte
		err := dozerJSON{}.NewDecoder(bytes.NewReader(body)).Decode(&raw)
		if err == nil && !bytes.Equal(raw, body) {
			t.Fatalf("decoded %q from %q", raw, body)
		}
		var msg gantryv1.CreateTokenResponse
		dozerJSON{}.NewDecoder(bytes.NewReader(body)).Decode(&msg)
	})
}
