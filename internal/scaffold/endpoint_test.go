package scaffold

import "testing"

func TestGoName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{name: "trip_id", want: "TripId"},
		{name: "ProtoReflect", want: "ProtoReflect"},
		{name: "proto_reflect", want: "ProtoReflect"},
		{name: "protoReflect", want: "ProtoReflect"},
		{name: "Proto_reflect", want: "ProtoReflect"},
		{name: "proto__reflect", want: "Proto_Reflect"},
		{name: "__dozer_record_id", want: "XDozerRecordId"},
		{name: "foo_Bar", want: "Foo_Bar"},
		{name: "a1b", want: "A1B"},
		{name: "ABc", want: "ABc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := goName(tc.name); got != tc.want {
				t.Fatalf("goName(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}
