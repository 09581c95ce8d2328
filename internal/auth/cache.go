package auth

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// cacheKey is the SHA-256 hash of a token; the cache never holds the token.
type cacheKey = [sha256.Size]byte

// tokenCache remembers verified claims, bounded by the CLOCK algorithm: each
// entry has a use bit that hits set; on insertion into a full cache the hand
// sweeps the ring, clearing bits, and replaces the first entry that is unused
// or expired. Hits take only the read lock, so parallel verifications of
// cached tokens do not queue on one mutex as they would with an LRU list.
type tokenCache struct {
	mu    sync.RWMutex
	index map[cacheKey]*cacheEntry
	ring  []*cacheEntry
	hand  int
	limit int
}

type cacheEntry struct {
	key    cacheKey
	claims *Claims // shared and never changed; Verify hands out clones
	used   atomic.Bool
}

func newTokenCache(limit int) *tokenCache {
	return &tokenCache{index: make(map[cacheKey]*cacheEntry), limit: limit}
}

// get returns the claims cached under key, or nil when there are none or they
// have reached their exp. An expired entry is left for the hand to reuse.
func (c *tokenCache) get(key cacheKey, now time.Time) *Claims {
	c.mu.RLock()
	defer c.mu.RUnlock()

	e := c.index[key]
	if e == nil || !now.Before(e.claims.ExpiresAt) {
		return nil
	}
	// Skipping the store when the bit is set keeps hot entries' cache lines
	// shared between cores.
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e.claims
}

// put caches claims under key unless they have already reached their exp.
// Tokens inside the leeway window are left to full verification.
func (c *tokenCache) put(key cacheKey, claims *Claims, now time.Time) {
	if !now.Before(claims.ExpiresAt) {
		return
	}

	c.mu.Lock()
	defer c.mu.Unlock()

	if _, ok := c.index[key]; ok {
		return
	}
	if len(c.ring) < c.limit {
		e := &cacheEntry{key: key, claims: claims}
		c.ring = append(c.ring, e)
		c.index[key] = e
		return
	}

	e := c.victim(now)
	delete(c.index, e.key)
	e.key, e.claims = key, claims
	e.used.Store(false)
	c.index[key] = e
}

// victim moves the hand to the next entry that is expired or unused since the
// hand last passed it. It stops within two turns of the ring.
func (c *tokenCache) victim(now time.Time) *cacheEntry {
	for {
		e := c.ring[c.hand]
		c.hand = (c.hand + 1) % len(c.ring)
		if !now.Before(e.claims.ExpiresAt) || !e.used.Swap(false) {
			return e
		}
	}
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.index)
}
