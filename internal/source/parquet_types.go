package source

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	typespb "github.com/gantry-dev/gantry/gen/dozer/types"
)

// converter turns a non-null Parquet value into a canonical value.
type converter func(parquet.Value) (any, error)

// leaf is how a Parquet leaf column is read: its column type and the
// converter to that type's canonical values.
type leaf struct {
	typ    typespb.Type
	decode converter
}

// julianEpoch is the Julian day of 1970-01-01, the base of INT96 times.
const julianEpoch = 2_440_588

var errNotFinite = errors.New("NaN and infinite floats are not supported")

func parquetType(el *format.SchemaElement) (typespb.Type, error) {
	l, err := parquetLeaf(el)
	return l.typ, err
}

// parquetLeaf maps a leaf's logical type, or its converted type in older
// files, or else its physical type.
func parquetLeaf(el *format.SchemaElement) (leaf, error) {
	phys, ok := el.Type.Get()
	if !ok {
		return leaf{}, errors.New("parquet leaf without a physical type")
	}
	if el.LogicalType.Value != nil {
		return logicalLeaf(el, phys)
	}
	if ct, ok := el.ConvertedType.Get(); ok {
		return convertedLeaf(el, phys, ct)
	}
	return physicalLeaf(phys)
}

func logicalLeaf(el *format.SchemaElement, phys format.Type) (leaf, error) {
	switch lt := el.LogicalType.Value.(type) {
	case *format.StringType, *format.EnumType:
		return leaf{typespb.Type_String, decodeUTF8}, nil
	case *format.JsonType:
		return leaf{typespb.Type_Json, decodeJSON}, nil
	case *format.UUIDType:
		return leaf{typespb.Type_String, decodeUUID}, nil
	case *format.DecimalType:
		return decimalLeaf(phys, int(lt.Scale))
	case *format.DateType:
		return leaf{typespb.Type_Date, decodeDate}, nil
	case *format.TimeType:
		return leaf{typespb.Type_String, decodeTime(phys, lt.Unit.Value.Duration())}, nil
	case *format.TimestampType:
		return leaf{typespb.Type_Timestamp, decodeTimestamp(lt.Unit.Value.Duration())}, nil
	case *format.IntType:
		if lt.IsSigned {
			return physicalLeaf(phys)
		}
		return leaf{typespb.Type_UInt, decodeUint(phys)}, nil
	case *format.NullType:
		return leaf{typespb.Type_String, func(parquet.Value) (any, error) { return nil, nil }}, nil
	}
	return leaf{}, fmt.Errorf("parquet type %s is not supported", el.LogicalType.String())
}

func convertedLeaf(el *format.SchemaElement, phys format.Type,
	ct deprecated.ConvertedType) (leaf, error) {
	switch ct {
	case deprecated.UTF8, deprecated.Enum:
		return leaf{typespb.Type_String, decodeUTF8}, nil
	case deprecated.Json:
		return leaf{typespb.Type_Json, decodeJSON}, nil
	case deprecated.Decimal:
		scale, _ := el.Scale.Get()
		return decimalLeaf(phys, int(scale))
	case deprecated.Date:
		return leaf{typespb.Type_Date, decodeDate}, nil
	case deprecated.TimeMillis:
		return leaf{typespb.Type_String, decodeTime(phys, time.Millisecond)}, nil
	case deprecated.TimeMicros:
		return leaf{typespb.Type_String, decodeTime(phys, time.Microsecond)}, nil
	case deprecated.TimestampMillis:
		return leaf{typespb.Type_Timestamp, decodeTimestamp(time.Millisecond)}, nil
	case deprecated.TimestampMicros:
		return leaf{typespb.Type_Timestamp, decodeTimestamp(time.Microsecond)}, nil
	case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
		return leaf{typespb.Type_UInt, decodeUint(phys)}, nil
	case deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64:
		return physicalLeaf(phys)
	}
	return leaf{}, fmt.Errorf("parquet converted type %d is not supported", ct)
}

func physicalLeaf(phys format.Type) (leaf, error) {
	switch phys {
	case format.Boolean:
		return leaf{typespb.Type_Boolean, func(v parquet.Value) (any, error) {
			return v.Boolean(), nil
		}}, nil
	case format.Int32:
		return leaf{typespb.Type_Int, func(v parquet.Value) (any, error) {
			return int64(v.Int32()), nil
		}}, nil
	case format.Int64:
		return leaf{typespb.Type_Int, func(v parquet.Value) (any, error) {
			return v.Int64(), nil
		}}, nil
	case format.Int96:
		return leaf{typespb.Type_Timestamp, decodeInt96}, nil
	case format.Float:
		return leaf{typespb.Type_Float, func(v parquet.Value) (any, error) {
			return finite(float64(v.Float()))
		}}, nil
	case format.Double:
		return leaf{typespb.Type_Float, func(v parquet.Value) (any, error) {
			return finite(v.Double())
		}}, nil
	case format.ByteArray:
		// Older writers leave text unannotated; it must still be UTF-8.
		return leaf{typespb.Type_String, decodeUTF8}, nil
	}
	return leaf{}, fmt.Errorf("parquet type %s without a logical type is not supported",
		strings.ToLower(phys.String()))
}

func finite(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errNotFinite
	}
	return f, nil
}

func decodeUTF8(v parquet.Value) (any, error) {
	b := v.ByteArray()
	if !utf8.Valid(b) {
		return nil, errInvalidUTF8
	}
	return string(b), nil
}

func decodeJSON(v parquet.Value) (any, error) {
	s, ok := compactJSON(string(v.ByteArray()))
	if !ok {
		return nil, &mismatch{value: string(v.ByteArray()), typ: typespb.Type_Json}
	}
	return s, nil
}

func decodeUUID(v parquet.Value) (any, error) {
	b := v.ByteArray()
	if len(b) != 16 {
		return nil, fmt.Errorf("uuid of %d bytes", len(b))
	}
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func decodeDate(v parquet.Value) (any, error) {
	t := time.Unix(int64(v.Int32())*86400, 0).UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, fmt.Errorf("date %d days from 1970 is outside the years 1 to 9999", v.Int32())
	}
	return t.Format(time.DateOnly), nil
}

func decodeTime(phys format.Type, unit time.Duration) converter {
	return func(v parquet.Value) (any, error) {
		n := int64(v.Int32())
		if phys == format.Int64 {
			n = v.Int64()
		}
		d := time.Duration(n) * unit
		if d < 0 || d > 24*time.Hour {
			return nil, fmt.Errorf("time of day %d is out of range", n)
		}
		return time.Unix(0, int64(d)).UTC().Format("15:04:05.999999999"), nil
	}
}

func decodeTimestamp(unit time.Duration) converter {
	per := int64(unit)
	return func(v parquet.Value) (any, error) {
		n := v.Int64()
		if n > math.MaxInt64/per || n < math.MinInt64/per {
			return nil, errTimestampRange
		}
		return n * per, nil
	}
}

func decodeInt96(v parquet.Value) (any, error) {
	x := v.Int96()
	nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
	days := int64(x[2]) - julianEpoch
	secs := days * 86400
	if secs < minUnixSeconds || secs > maxUnixSeconds-86400 || nanos < 0 || nanos >= 86400e9 {
		return nil, errTimestampRange
	}
	return secs*1e9 + nanos, nil
}

func decodeUint(phys format.Type) converter {
	if phys == format.Int32 {
		return func(v parquet.Value) (any, error) { return int64(v.Uint32()), nil }
	}
	return func(v parquet.Value) (any, error) {
		u := v.Uint64()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%d is out of range for an int64", u)
		}
		return int64(u), nil
	}
}

func decimalLeaf(phys format.Type, scale int) (leaf, error) {
	var d converter
	switch phys {
	case format.Int32:
		d = func(v parquet.Value) (any, error) {
			return scaleDecimal(strconv.FormatInt(int64(v.Int32()), 10), scale), nil
		}
	case format.Int64:
		d = func(v parquet.Value) (any, error) {
			return scaleDecimal(strconv.FormatInt(v.Int64(), 10), scale), nil
		}
	case format.ByteArray, format.FixedLenByteArray:
		d = func(v parquet.Value) (any, error) {
			return scaleDecimal(bigEndianSigned(v.ByteArray()), scale), nil
		}
	default:
		return leaf{}, fmt.Errorf("decimal stored as %s is not supported", phys)
	}
	return leaf{typespb.Type_Decimal, d}, nil
}

// bigEndianSigned returns the decimal digits of a big-endian two's
// complement integer.
func bigEndianSigned(b []byte) string {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n.String()
}

// scaleDecimal places the decimal point scale digits from the right of an
// integer's text: ("-1250", 2) is "-12.50".
func scaleDecimal(digits string, scale int) string {
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var s string
	switch {
	case scale <= 0:
		s = digits + strings.Repeat("0", -scale)
		if digits == "0" {
			s = "0"
		}
	default:
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		s = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// newConverter returns the converter of a column to type target: its own
// when target is its type, else one through the value's text.
func newConverter(c parquetColumn, target typespb.Type) converter {
	l, _ := parquetLeaf(c.el)
	if target == l.typ {
		return l.decode
	}
	return func(v parquet.Value) (any, error) {
		x, err := l.decode(v)
		if err != nil || x == nil {
			return x, err
		}
		return fromText(valueText(x, l.typ), target)
	}
}

// valueText writes a canonical value as text that fromText reads back.
func valueText(x any, t typespb.Type) string {
	switch v := x.(type) {
	case int64:
		if t == typespb.Type_Timestamp {
			return formatTimestamp(v)
		}
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	}
	return fmt.Sprint(x)
}
