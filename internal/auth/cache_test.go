package auth

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// breakSecret makes every uncached verification fail, so a later success can
// only have come from the cache.
func breakSecret(a *Authority) {
	a.secret = []byte("not the secret the tokens were signed with, at all")
}

func TestCacheHonoursExpiry(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{})
	token, _ := mustMint(t, a, tripsAccess(), time.Minute, nil)
	if _, err := a.Verify(token); err != nil {
		t.Fatalf("first Verify: %v", err)
	}
	if n := a.cache.len(); n != 1 {
		t.Fatalf("cache holds %d entries after one Verify, want 1", n)
	}

	c.Advance(time.Minute + defaultLeeway)
	_, err := a.Verify(token)
	if !errors.Is(err, ErrExpiredToken) {
		t.Errorf("Verify past exp and leeway = %v, want ErrExpiredToken", err)
	}
}

func TestCacheEntriesEndAtExp(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{})
	token, _ := mustMint(t, a, tripsAccess(), time.Minute, nil)
	if _, err := a.Verify(token); err != nil {
		t.Fatalf("first Verify: %v", err)
	}
	breakSecret(a)

	c.Advance(time.Minute - time.Second)
	if _, err := a.Verify(token); err != nil {
		t.Fatalf("Verify a second before exp = %v, want a cache hit", err)
	}

	// Inside the leeway the token is still valid, but only a full
	// verification may say so.
	c.Advance(time.Second)
	_, err := a.Verify(token)
	if !errors.Is(err, ErrInvalidToken) || !strings.Contains(err.Error(), "signature is invalid") {
		t.Errorf("Verify at exp = %v, want a full verification (signature is invalid)", err)
	}
}

func TestCacheSkipsTokensInsideLeeway(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{})
	token, _ := mustMint(t, a, Access{All: true}, time.Minute, nil)
	c.Advance(time.Minute + time.Second)
	if _, err := a.Verify(token); err != nil {
		t.Fatalf("Verify inside the leeway: %v", err)
	}
	if n := a.cache.len(); n != 0 {
		t.Errorf("cache holds %d entries, want 0: the token was past its exp", n)
	}
}

func TestCacheStaysBounded(t *testing.T) {
	t.Parallel()
	const size = 8
	a, _ := newTestAuthority(t, Options{CacheSize: size})
	tokens := make([]string, 10*size)
	for i := range tokens {
		tokens[i], _ = mustMint(t, a, Access{All: true}, time.Hour, nil)
	}

	for round := range 2 {
		for i, token := range tokens {
			if _, err := a.Verify(token); err != nil {
				t.Fatalf("round %d, token %d: %v", round, i, err)
			}
			if n := a.cache.len(); n > size {
				t.Fatalf("cache holds %d entries, over its bound of %d", n, size)
			}
		}
	}
	if n, ring := a.cache.len(), len(a.cache.ring); n != size || ring != size {
		t.Errorf("cache holds %d entries in a ring of %d, want %d", n, ring, size)
	}
}

func TestCacheKeepsHotEntries(t *testing.T) {
	t.Parallel()
	const size = 4
	a, _ := newTestAuthority(t, Options{CacheSize: size})
	hot, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	if _, err := a.Verify(hot); err != nil {
		t.Fatal(err)
	}
	breakSecret(a)

	good, _ := newTestAuthority(t, Options{})
	for i := range 10 * size {
		// Cold tokens come from another Authority with the same secret, and
		// are put in the cache directly since a's secret is broken.
		cold, claims := mustMint(t, good, Access{All: true}, time.Hour, nil)
		a.cache.put(cacheKeyOf(cold), claims, t0)

		if _, err := a.Verify(hot); err != nil {
			t.Fatalf("hot token evicted after %d cold ones: %v", i+1, err)
		}
	}
}

func TestCacheEvictsExpiredFirst(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{CacheSize: 2})
	short, _ := mustMint(t, a, Access{All: true}, time.Minute, nil)
	long, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	for _, token := range []string{short, long, long} {
		if _, err := a.Verify(token); err != nil {
			t.Fatal(err)
		}
	}

	c.Advance(2 * time.Minute)
	next, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	if _, err := a.Verify(next); err != nil {
		t.Fatal(err)
	}
	if a.cache.index[cacheKeyOf(short)] != nil {
		t.Error("the expired entry is still cached")
	}
	if a.cache.index[cacheKeyOf(long)] == nil {
		t.Error("a live entry was evicted while an expired one was there")
	}
}

func TestCacheReturnsCopies(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{})
	token, minted := mustMint(t, a, tripsAccess(), time.Hour, nil)

	for range 2 {
		got, err := a.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, minted) {
			t.Fatalf("Verify = %+v, want %+v", got, minted)
		}
		// A careless caller must not change what the next one sees.
		trips := got.Access.Custom["trips"]
		trips.Fields[0] = "changed"
		trips.Filter[0] = '['
		got.Access.Custom["new"] = Filter{}
		got.Access.All, got.Master = true, true
	}
}

func TestCacheDisabled(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{CacheSize: -1})
	if a.cache != nil {
		t.Fatal("CacheSize -1 left a cache in place")
	}
	token, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	if _, err := a.Verify(token); err != nil {
		t.Fatal(err)
	}
	breakSecret(a)
	if _, err := a.Verify(token); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify with no cache and a broken secret = %v, want ErrInvalidToken", err)
	}
}

func TestCacheDefaultSize(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{})
	if a.cache == nil || a.cache.limit != defaultCacheSize {
		t.Errorf("default cache = %+v, want one of %d entries", a.cache, defaultCacheSize)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{CacheSize: 8})
	tokens := make([]string, 32)
	want := make([]*Claims, len(tokens))
	for i := range tokens {
		access := Access{Custom: map[string]Filter{
			"ep": {Filter: json.RawMessage(`{"id":` + string(rune('0'+i%10)) + `}`)},
		}}
		tokens[i], want[i] = mustMint(t, a, access, time.Hour, nil)
	}

	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				n := (g*7 + i) % len(tokens)
				got, err := a.Verify(tokens[n])
				if err != nil {
					t.Errorf("Verify token %d: %v", n, err)
					return
				}
				if !reflect.DeepEqual(got, want[n]) {
					t.Errorf("Verify token %d = %+v, want %+v", n, got, want[n])
					return
				}
				got.Access.Custom["ep"] = Filter{}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			c.Advance(time.Second)
		}
	})
	wg.Wait()
}

func cacheKeyOf(token string) cacheKey { return sha256.Sum256([]byte(token)) }
