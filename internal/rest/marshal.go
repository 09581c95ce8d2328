package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
	gantryv1 "github.com/gantry-dev/gantry/gen/gantry/v1"
	"github.com/gantry-dev/gantry/internal/schema"
)

// timestampLayout is RFC 3339 with milliseconds, as Dozer writes timestamps.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// dozerJSON is the grpc-gateway marshaler that writes Dozer's REST JSON:
// records as plain objects in field order, counts as bare integers, and
// request bodies passed through unparsed to the query parser.
type dozerJSON struct{}

var _ runtime.Marshaler = dozerJSON{}

func (dozerJSON) ContentType(v any) string {
	return "application/json"
}

// Marshal writes the REST form of the response messages gantry serves, and
// protojson for anything else.
func (m dozerJSON) Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	switch x := v.(type) {
	case *gantryv1.RecordsResponse:
		b.WriteByte('[')
		for i, r := range x.GetRecords() {
			if i > 0 {
				b.WriteByte(',')
			}
			writeRecord(&b, x.GetFields(), r)
		}
		b.WriteByte(']')
	case *gantryv1.RecordResponse:
		writeRecord(&b, x.GetFields(), x.GetRecord())
	case *gantryv1.CountResponse:
		b.WriteString(strconv.FormatUint(x.GetCount(), 10))
	case *gantryv1.PhaseResponse:
		writeString(&b, x.GetPhase())
	case *gantryv1.ListPathsResponse:
		return json.Marshal(append([]string{}, x.GetPaths()...))
	case *gantryv1.OpenAPIResponse:
		return x.GetDocument(), nil
	case proto.Message:
		return protojson.MarshalOptions{UseProtoNames: true}.Marshal(x)
	default:
		return json.Marshal(v)
	}
	return b.Bytes(), nil
}

func writeRecord(b *bytes.Buffer, fields []*typespb.FieldDefinition, r *typespb.Record) {
	b.WriteByte('{')
	for i, f := range fields {
		writeString(b, f.GetName())
		b.WriteByte(':')
		if i < len(r.GetValues()) {
			writeValue(b, r.GetValues()[i])
		} else {
			b.WriteString("null")
		}
		b.WriteByte(',')
	}
	writeString(b, schema.RecordIDField)
	b.WriteByte(':')
	b.WriteString(strconv.FormatUint(r.GetId(), 10))
	b.WriteByte(',')
	writeString(b, schema.RecordVersionField)
	b.WriteByte(':')
	b.WriteString(strconv.FormatUint(uint64(r.GetVersion()), 10))
	b.WriteByte('}')
}

func writeValue(b *bytes.Buffer, v *typespb.Value) {
	switch x := v.GetValue().(type) {
	case *typespb.Value_UintValue:
		b.WriteString(strconv.FormatUint(x.UintValue, 10))
	case *typespb.Value_IntValue:
		b.WriteString(strconv.FormatInt(x.IntValue, 10))
	case *typespb.Value_FloatValue:
		writeFloat(b, x.FloatValue)
	case *typespb.Value_BoolValue:
		b.WriteString(strconv.FormatBool(x.BoolValue))
	case *typespb.Value_StringValue:
		writeString(b, x.StringValue)
	case *typespb.Value_TimestampValue:
		writeString(b, x.TimestampValue.AsTime().UTC().Format(timestampLayout))
	default:
		b.WriteString("null")
	}
}

// writeFloat writes floats as Dozer does, with a fraction even when it is
// zero (1.0); JSON has no NaN or infinity, so those become null.
func writeFloat(b *bytes.Buffer, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b.WriteString("null")
		return
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	b.WriteString(s)
	if math.Trunc(f) == f && math.Abs(f) < 1e21 {
		b.WriteString(".0")
	}
}

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// Unmarshal decodes protojson; request bodies go through NewDecoder.
func (m dozerJSON) Unmarshal(data []byte, v any) error {
	return m.NewDecoder(bytes.NewReader(data)).Decode(v)
}

// NewDecoder returns a decoder that hands raw bytes to []byte fields, so the
// query parser sees the body exactly as sent, and protojson for messages.
func (m dozerJSON) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		data, err := io.ReadAll(r)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tooLarge(tooBig.Limit)
		}
		if err != nil {
			return fmt.Errorf("read request body: %w", err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return io.EOF
		}
		switch x := v.(type) {
		case *[]byte:
			*x = data
			return nil
		case proto.Message:
			return protojson.Unmarshal(data, x)
		}
		return json.Unmarshal(data, v)
	})
}

// NewEncoder returns an encoder that writes Marshal's output.
func (m dozerJSON) NewEncoder(w io.Writer) runtime.Encoder {
	return runtime.EncoderFunc(func(v any) error {
		data, err := m.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
}
