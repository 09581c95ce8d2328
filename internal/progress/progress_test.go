package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestBarOnTerminal(t *testing.T) {
	t.Parallel()
	var term, logs bytes.Buffer
	clock := time.Unix(0, 0)
	r := New(&term, slog.New(slog.NewTextHandler(&logs, nil)), "trips", 1000)
	r.now = func() time.Time { return clock }
	r.start, r.last = clock, clock
	clock = clock.Add(time.Second)
	r.Update(500)
	clock = clock.Add(time.Second)
	r.Done(1000, nil)
	out := term.String()
	if !strings.Contains(out, " 50% 500 rows  500 rows/s") || !strings.Contains(out, "100% 1,000 rows") {
		t.Fatalf("bar output %q", out)
	}
	if !strings.Contains(logs.String(), "rows=1000") {
		t.Fatalf("final log %q", logs.String())
	}
}

func TestLogLinesElsewhere(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	clock := time.Unix(0, 0)
	r := New(nil, slog.New(slog.NewTextHandler(&logs, nil)), "trips", 0)
	r.now = func() time.Time { return clock }
	r.start, r.last = clock, clock
	clock = clock.Add(time.Second)
	r.Update(10) // within the log interval: silent
	clock = clock.Add(6 * time.Second)
	r.Update(7000)
	r.Done(9000, nil)
	lines := strings.Count(logs.String(), "\n")
	if lines != 2 || !strings.Contains(logs.String(), "rows=7000") || !strings.Contains(logs.String(), "rows_per_sec=1285") {
		t.Fatalf("log lines %q", logs.String())
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
