package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gantry-dev/gantry/gen/dozer/generated/pickup"
	"github.com/gantry-dev/gantry/internal/query"
	"github.com/gantry-dev/gantry/internal/schema"
)

func pickupSchema(t *testing.T) *schema.Endpoint {
	ep, err := schema.FromFile(pickup.File_dozer_generated_pickup_pickup_proto)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// rows yields n pickup rows whose zone ids start at first.
func rows(first, n int, failAt int) func(yield func([]any) error) error {
	return func(yield func([]any) error) error {
		for i := 0; i < n; i++ {
			if i == failAt {
				return errors.New("source broke at row " + string(rune('0'+i%10)))
			}
			if err := yield([]any{int64(first + i), "Queens", "Zone", int64(i), nil}); err != nil {
				return err
			}
		}
		return nil
	}
}

func count(t *testing.T, st *SQLite, ep *schema.Endpoint) uint64 {
	n, err := st.Count(context.Background(), ep, &query.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadIsAtomic(t *testing.T) {
	t.Parallel()
	ep := pickupSchema(t)
	st, err := Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Load(ctx, ep, "v1", rows(1, 500, -1), nil); err != nil {
		t.Fatal(err)
	}
	fp, _ := st.Loaded(ctx, ep)
	if fp != Fingerprint(ep, "v1") || count(t, st, ep) != 500 {
		t.Fatalf("first load: fingerprint %q, %d rows", fp, count(t, st, ep))
	}

	cases := []struct {
		name    string
		fill    func(yield func([]any) error) error
		mention string
	}{
		{"source fails midway", rows(1000, 300, 250), "source broke"},
		{"value of the wrong type", func(yield func([]any) error) error {
			return yield([]any{"one", "Queens", "Zone", int64(1), nil})
		}, "zone_id"},
		{"null in a non-nullable field", func(yield func([]any) error) error {
			return yield([]any{int64(1), nil, "Zone", int64(1), nil})
		}, "borough"},
		{"duplicate primary key", func(yield func([]any) error) error {
			for _, id := range []int64{5, 6, 7, 6} {
				if err := yield([]any{id, "Queens", "Zone", int64(1), nil}); err != nil {
					return err
				}
			}
			return nil
		}, "duplicate primary key zone_id = 6: data rows 2 and 4"},
	}
	for _, c := range cases {
		err := st.Load(ctx, ep, "v2", c.fill, nil)
		if err == nil || !strings.Contains(err.Error(), c.mention) {
			t.Errorf("%s: error %v does not mention %q", c.name, err, c.mention)
		}
		if n := count(t, st, ep); n != 500 {
			t.Errorf("%s: %d rows after a failed load, want the old 500", c.name, n)
		}
		if fp, _ := st.Loaded(ctx, ep); fp != Fingerprint(ep, "v1") {
			t.Errorf("%s: fingerprint changed to %q", c.name, fp)
		}
	}
}

// TestReadersSeeOldOrNew reads while tables are replaced: every count is
// the old size or the new one, never a mix.
func TestReadersSeeOldOrNew(t *testing.T) {
	t.Parallel()
	ep := pickupSchema(t)
	st, err := Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Load(ctx, ep, "a", rows(1, 1000, -1), nil); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []uint64
	var mu sync.Mutex
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := st.Count(ctx, ep, &query.Query{})
				if err != nil || (n != 1000 && n != 2000) {
					mu.Lock()
					bad = append(bad, n)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range 6 {
		size := 1000 + 1000*(i%2)
		if err := st.Load(ctx, ep, "b", rows(1, size, -1), nil); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("readers saw %d partial counts, e.g. %v", len(bad), bad[0])
	}
}
