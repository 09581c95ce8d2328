package api

import (
	"fmt"
	"slices"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
)

// Codec returns connect's binary protobuf codec with one change: messages
// that have vtprotobuf's generated marshallers (every message gantry
// answers with, see buf.gen.yaml) are encoded by them instead of by
// reflection. The bytes are the same protobuf encoding. Requests are still
// decoded by proto.Unmarshal, which checks UTF-8 in untrusted input.
func Codec() connect.Codec { return vtCodec{} }

type vtMessage interface {
	SizeVT() int
	MarshalToSizedBufferVT([]byte) (int, error)
}

type vtCodec struct{}

func (vtCodec) Name() string { return "proto" }

func (c vtCodec) Marshal(m any) ([]byte, error) { return c.MarshalAppend(nil, m) }

// MarshalAppend lets connect reuse its buffers.
func (vtCodec) MarshalAppend(dst []byte, m any) ([]byte, error) {
	if vt, ok := m.(vtMessage); ok {
		n := vt.SizeVT()
		dst = slices.Grow(dst, n)
		if _, err := vt.MarshalToSizedBufferVT(dst[len(dst) : len(dst)+n]); err != nil {
			return nil, err
		}
		return dst[:len(dst)+n], nil
	}
	msg, ok := m.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("%T is not a protobuf message", m)
	}
	return proto.MarshalOptions{}.MarshalAppend(dst, msg)
}

func (vtCodec) Unmarshal(data []byte, m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return fmt.Errorf("%T is not a protobuf message", m)
	}
	return proto.Unmarshal(data, msg)
}
