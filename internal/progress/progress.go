// Package progress reports the progress of long loads: a bar with rows per
// second on a terminal, and a log line every few seconds otherwise.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Interval between updates on a terminal, and between log lines elsewhere.
const (
	barInterval = 100 * time.Millisecond
	logInterval = 5 * time.Second
	barWidth    = 30
)

// Reporter tracks one table's load. It is safe for concurrent use.
type Reporter struct {
	mu    sync.Mutex
	term  io.Writer // nil when not a terminal
	log   *slog.Logger
	table string
	total int // 0 when unknown
	start time.Time
	last  time.Time
	now   func() time.Time
}

// IsTerminal reports whether f is a character device, such as a terminal.
func IsTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// New starts reporting on table. term is where the bar is drawn, or nil to
// report through log only. total is the expected row count, or 0.
func New(term io.Writer, log *slog.Logger, table string, total int) *Reporter {
	r := &Reporter{term: term, log: log, table: table, total: total, now: time.Now}
	r.start = r.now()
	r.last = r.start
	return r
}

// Update records that rows rows are loaded so far.
func (r *Reporter) Update(rows int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	interval := logInterval
	if r.term != nil {
		interval = barInterval
	}
	if now.Sub(r.last) < interval {
		return
	}
	r.last = now
	if r.term != nil {
		fmt.Fprintf(r.term, "\r%s", r.line(rows, now))
		return
	}
	r.log.Info("loading", "table", r.table, "rows", rows, "rows_per_sec", int(r.rate(rows, now)))
}

// Done ends the report with the final count, or the error that stopped it.
func (r *Reporter) Done(rows int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if r.term != nil {
		fmt.Fprintf(r.term, "\r%s\n", r.line(rows, now))
	}
	if err != nil {
		r.log.Error("load failed", "table", r.table, "rows_read", rows, "error", err)
		return
	}
	r.log.Info("loaded", "table", r.table, "rows", rows,
		"duration", now.Sub(r.start).Round(time.Millisecond).String(),
		"rows_per_sec", int(r.rate(rows, now)))
}

func (r *Reporter) rate(rows int, now time.Time) float64 {
	d := now.Sub(r.start).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(rows) / d
}

// line draws "table [=====>    ]  42% 420,000 rows  210,000 rows/s". With an
// unknown total, the bar is a moving marker.
func (r *Reporter) line(rows int, now time.Time) string {
	var bar string
	pct := ""
	if r.total > 0 {
		done := min(barWidth, rows*barWidth/r.total)
		bar = strings.Repeat("=", done) + strings.Repeat(" ", barWidth-done)
		pct = fmt.Sprintf(" %3d%%", min(100, rows*100/r.total))
	} else {
		pos := int(now.Sub(r.start)/barInterval) % barWidth
		bar = strings.Repeat(" ", pos) + "<=>" + strings.Repeat(" ", barWidth-pos)
		bar = bar[:barWidth]
	}
	return fmt.Sprintf("%s [%s]%s %s rows  %s rows/s ", r.table, bar, pct,
		group(rows), group(int(r.rate(rows, now))))
}

// group writes n with thousands separators.
func group(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
