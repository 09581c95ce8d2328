package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testSecret = []byte("test secret: 0123456789abcdef0123456789abcdef")
	t0         = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// clock is a settable Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestAuthority returns an Authority on testSecret whose clock starts at t0.
func newTestAuthority(t testing.TB, opts Options) (*Authority, *clock) {
	t.Helper()
	c := &clock{now: t0}
	opts.Now = c.Now
	a, err := NewAuthority(testSecret, opts)
	if err != nil {
		t.Fatalf("NewAuthority: %v", err)
	}
	return a, c
}

func mustMint(
	t testing.TB,
	a *Authority,
	access Access,
	ttl time.Duration,
	parent *Claims,
) (string, *Claims) {
	t.Helper()
	token, claims, err := a.Mint(access, ttl, parent)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return token, claims
}

func tripsAccess() Access {
	return Access{Custom: map[string]Filter{
		"trips": {
			Filter: json.RawMessage(`{"trip_id":{"$lt":100},"note":"<a&b>"}`),
			Fields: []string{"trip_id", "fare"},
		},
		"zones": {},
	}}
}

func TestNewAuthorityRefusesWeakSecrets(t *testing.T) {
	t.Parallel()
	for _, secret := range [][]byte{nil, {}, []byte("short"), make([]byte, MinSecretBytes-1)} {
		_, err := NewAuthority(secret, Options{})
		if !errors.Is(err, ErrWeakSecret) {
			t.Errorf("NewAuthority(%d bytes) error = %v, want ErrWeakSecret", len(secret), err)
			continue
		}
		if !strings.Contains(err.Error(), "openssl rand -base64 48") {
			t.Errorf("error %q does not say how to make a secret", err)
		}
	}
	if _, err := NewAuthority(make([]byte, MinSecretBytes), Options{}); err != nil {
		t.Errorf("NewAuthority(%d bytes) = %v, want success", MinSecretBytes, err)
	}
}

func TestNewAuthorityCopiesSecret(t *testing.T) {
	t.Parallel()
	secret := []byte(string(testSecret))
	a, err := NewAuthority(secret, Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	secret[0] ^= 0xff
	if _, err := a.Verify(token); err != nil {
		t.Errorf("Verify after the caller changed its secret slice: %v", err)
	}
}

func TestMintVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		access Access
	}{
		{name: "all", access: Access{All: true}},
		{name: "custom", access: tripsAccess()},
		{name: "custom whole endpoint", access: Access{Custom: map[string]Filter{"films": {}}}},
		{name: "null filter", access: Access{Custom: map[string]Filter{
			"films": {Filter: json.RawMessage("null"), Fields: []string{}},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, _ := newTestAuthority(t, Options{})
			token, minted := mustMint(t, a, tc.access, 5*time.Minute, nil)

			got, err := a.Verify(token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, minted) {
				t.Errorf("Verify = %+v, Mint returned %+v", got, minted)
			}
			if got.Master != tc.access.All {
				t.Errorf("Master = %v, want %v", got.Master, tc.access.All)
			}
			if want := t0.Add(5 * time.Minute); !got.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, want)
			}
			if !got.IssuedAt.Equal(t0) {
				t.Errorf("IssuedAt = %v, want %v", got.IssuedAt, t0)
			}
		})
	}
}

func TestMintPayload(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{})
	token, claims := mustMint(t, a, tripsAccess(), time.Hour, nil)

	segments := strings.Split(token, ".")
	if len(segments) != 3 {
		t.Fatalf("token has %d segments, want 3", len(segments))
	}
	header, err := base64.RawURLEncoding.DecodeString(segments[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(header), `{"alg":"HS256","typ":"JWT"}`; got != want {
		t.Errorf("header = %s, want %s", got, want)
	}

	payload, err := base64.RawURLEncoding.DecodeString(segments[1])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"access":{"Custom":{"trips":{"filter":{"trip_id":{"$lt":100},"note":"<a&b>"},` +
		`"fields":["trip_id","fare"]},"zones":{}}},"aud":"gantry-api","exp":1767229200,` +
		`"iat":1767225600,"iss":"gantry","jti":"` + claims.ID + `","sub":"gantry"}`
	if string(payload) != want {
		t.Errorf("payload =\n%s\nwant\n%s", payload, want)
	}

	id, err := base64.RawURLEncoding.DecodeString(claims.ID)
	if err != nil || len(id) != 16 {
		t.Errorf("jti %q is not 16 base64url bytes (err %v)", claims.ID, err)
	}
	_, other := mustMint(t, a, tripsAccess(), time.Hour, nil)
	if other.ID == claims.ID {
		t.Errorf("two tokens share jti %q", claims.ID)
	}
}

func TestMintOptions(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{Issuer: "iss-x", Audience: "aud-y"})
	token, _ := mustMint(t, a, Access{All: true}, time.Hour, nil)
	if _, err := a.Verify(token); err != nil {
		t.Fatalf("Verify with the same options: %v", err)
	}

	other, _ := newTestAuthority(t, Options{})
	if _, err := other.Verify(token); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Verify with default options = %v, want ErrInvalidToken", err)
	}
}

func TestMintParentCapsExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		parentTTL time.Duration
		ttl       time.Duration
		wantTTL   time.Duration
	}{
		{
			name:      "parent outlives child",
			parentTTL: time.Hour,
			ttl:       5 * time.Minute,
			wantTTL:   5 * time.Minute,
		},
		{
			name:      "parent expires first",
			parentTTL: 10 * time.Minute,
			ttl:       time.Hour,
			wantTTL:   10 * time.Minute,
		},
		{name: "same expiry", parentTTL: time.Hour, ttl: time.Hour, wantTTL: time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, _ := newTestAuthority(t, Options{})
			_, parent := mustMint(t, a, Access{All: true}, tc.parentTTL, nil)
			token, child := mustMint(t, a, tripsAccess(), tc.ttl, parent)

			want := t0.Add(tc.wantTTL)
			if !child.ExpiresAt.Equal(want) {
				t.Errorf("Mint ExpiresAt = %v, want %v", child.ExpiresAt, want)
			}
			got, err := a.Verify(token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !got.ExpiresAt.Equal(want) {
				t.Errorf("Verify ExpiresAt = %v, want %v", got.ExpiresAt, want)
			}
		})
	}
}

func TestMintErrors(t *testing.T) {
	t.Parallel()
	a, c := newTestAuthority(t, Options{})
	_, parent := mustMint(t, a, Access{All: true}, time.Minute, nil)
	c.Advance(2 * time.Minute)

	huge := Access{Custom: map[string]Filter{}}
	for i := range 400 {
		huge.Custom[strings.Repeat("x", 10)+string(rune('a'+i%26))+strings.Repeat("y", i)] = Filter{}
	}

	tests := []struct {
		name   string
		access Access
		ttl    time.Duration
		parent *Claims
		want   error // nil: any error
		reason string
	}{
		{name: "zero ttl", access: Access{All: true}, ttl: 0, reason: "shorter than one second"},
		{
			name:   "negative ttl",
			access: Access{All: true},
			ttl:    -time.Hour,
			reason: "shorter than one second",
		},
		{
			name:   "sub-second ttl",
			access: Access{All: true},
			ttl:    time.Millisecond,
			reason: "shorter than one second",
		},
		{
			name:   "empty access",
			access: Access{},
			ttl:    time.Hour,
			want:   ErrInvalidAccess,
			reason: "grants nothing",
		},
		{
			name:   "all and custom",
			access: Access{All: true, Custom: map[string]Filter{"x": {}}},
			ttl:    time.Hour, want: ErrInvalidAccess, reason: "both All and Custom",
		},
		{
			name:   "bad filter",
			access: Access{Custom: map[string]Filter{"x": {Filter: json.RawMessage(`[1]`)}}},
			ttl:    time.Hour, want: ErrInvalidAccess, reason: "must be a JSON object",
		},
		{
			name:   "token too large",
			access: huge,
			ttl:    time.Hour,
			want:   ErrInvalidAccess,
			reason: "too large",
		},
		{
			name:   "expired parent",
			access: Access{All: true}, ttl: time.Hour, parent: parent,
			want: ErrExpiredToken, reason: "parent token has expired",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			token, claims, err := a.Mint(tc.access, tc.ttl, tc.parent)
			if err == nil {
				t.Fatalf("Mint succeeded (%d-byte token, %+v), want an error", len(token), claims)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Mint error = %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Mint error = %q, want it to mention %q", err, tc.reason)
			}
		})
	}
}

func TestMintReturnsCopy(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{})
	access := tripsAccess()
	token, claims := mustMint(t, a, access, time.Hour, nil)

	// Changing the caller's access after minting must not change the claims.
	access.Custom["trips"].Fields[0] = "changed"
	delete(access.Custom, "zones")
	got, err := a.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, claims) {
		t.Errorf("Verify = %+v, Mint returned %+v", got, claims)
	}
}

func BenchmarkMint(b *testing.B) {
	a, _ := newTestAuthority(b, Options{})
	access := tripsAccess()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := a.Mint(access, time.Hour, nil); err != nil {
			b.Fatal(err)
		}
	}
}
