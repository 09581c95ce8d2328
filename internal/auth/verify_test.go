package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// signToken builds a token by hand, so that tests control every header and
// claim, and signs it with method and key.
func signToken(
	t testing.TB,
	method jwt.SigningMethod,
	key any,
	header, claims map[string]any,
) string {
	t.Helper()
	signing := b64(mustJSON(t, header)) + "." + b64(mustJSON(t, claims))
	sig, err := method.Sign(signing, key)
	if err != nil {
		t.Fatalf("sign %s: %v", method.Alg(), err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func hs256Header() map[string]any { return map[string]any{"alg": "HS256", "typ": "JWT"} }

// validClaims are the claims Mint would write at t0 for an All token.
func validClaims() map[string]any {
	return map[string]any{
		"access": "All",
		"aud":    "gantry-api",
		"exp":    t0.Add(time.Hour).Unix(),
		"iat":    t0.Unix(),
		"iss":    "gantry",
		"jti":    "test-jti",
		"sub":    "gantry",
	}
}

// with returns validClaims changed by edits; a nil value deletes the claim.
func with(edits map[string]any) map[string]any {
	claims := validClaims()
	for k, v := range edits {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	return claims
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	a, _ := newTestAuthority(t, Options{})
	hs := func(claims map[string]any) string {
		return signToken(t, jwt.SigningMethodHS256, testSecret, hs256Header(), claims)
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	valid, _ := mustMint(t, a, tripsAccess(), time.Hour, nil)
	parts := strings.Split(valid, ".")
	allPayload := b64(mustJSON(t, validClaims()))
	// The last character of a 32-byte signature carries two unused bits; set
	// one to get a second spelling of the same signature.
	sig := parts[2]
	nonCanonical := parts[0] + "." + parts[1] + "." + sig[:len(sig)-1] + string(sig[len(sig)-1]+1)

	tests := []struct {
		name    string
		token   string
		advance time.Duration
		want    error
		reason  string
	}{
		{
			name:   "alg none",
			token:  b64(`{"alg":"none","typ":"JWT"}`) + "." + allPayload + ".",
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name:   "alg None spelled otherwise",
			token:  b64(`{"alg":"None"}`) + "." + allPayload + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name:   "alg missing",
			token:  b64(`{"typ":"JWT"}`) + "." + allPayload + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name: "HS384 with the right secret",
			token: signToken(t, jwt.SigningMethodHS384, testSecret,
				map[string]any{"alg": "HS384"}, validClaims()),
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name: "HS512 with the right secret",
			token: signToken(t, jwt.SigningMethodHS512, testSecret,
				map[string]any{"alg": "HS512"}, validClaims()),
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name: "RS256",
			token: signToken(t, jwt.SigningMethodRS256, rsaKey,
				map[string]any{"alg": "RS256"}, validClaims()),
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name: "ES256",
			token: signToken(t, jwt.SigningMethodES256, ecKey,
				map[string]any{"alg": "ES256"}, validClaims()),
			want:   ErrInvalidToken,
			reason: "unexpected signing algorithm",
		},
		{
			name:   "key confusion: HS256 keyed with an RSA public key",
			token:  signToken(t, jwt.SigningMethodHS256, pubPEM, hs256Header(), validClaims()),
			want:   ErrInvalidToken,
			reason: "signature is invalid",
		},
		{
			name: "wrong secret",
			token: signToken(t, jwt.SigningMethodHS256,
				[]byte("another secret 0123456789abcdef0123456789"), hs256Header(), validClaims()),
			want:   ErrInvalidToken,
			reason: "signature is invalid",
		},
		{
			name:   "payload swapped for All",
			token:  parts[0] + "." + allPayload + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "signature is invalid",
		},
		{
			name:   "signature removed",
			token:  parts[0] + "." + parts[1] + ".",
			want:   ErrInvalidToken,
			reason: "signature is invalid",
		},
		{
			name:   "non-canonical base64 signature",
			token:  nonCanonical,
			want:   ErrInvalidToken,
			reason: "not valid base64url",
		},
		{
			name:    "expired",
			token:   valid,
			advance: time.Hour + defaultLeeway,
			want:    ErrExpiredToken,
			reason:  "token expired",
		},
		{
			name:   "exp in milliseconds",
			token:  hs(with(map[string]any{"exp": t0.Add(time.Hour).UnixMilli()})),
			want:   ErrInvalidToken,
			reason: "exp claim looks like milliseconds",
		},
		{
			name: "Dozer token",
			token: hs(map[string]any{
				"aud": "cache_user", "sub": "api@dozer.com",
				"exp": t0.Add(5 * time.Minute).UnixMilli(), "access": "All",
			}),
			want:   ErrInvalidToken,
			reason: "milliseconds",
		},
		{
			name:   "iat in milliseconds",
			token:  hs(with(map[string]any{"iat": t0.UnixMilli()})),
			want:   ErrInvalidToken,
			reason: "iat claim looks like milliseconds",
		},
		{
			name:   "negative exp",
			token:  hs(with(map[string]any{"exp": -1})),
			want:   ErrInvalidToken,
			reason: "exp claim is negative",
		},
		{
			name:   "exp as a string",
			token:  hs(with(map[string]any{"exp": "1767229200"})),
			want:   ErrInvalidToken,
			reason: `claim "exp" has the wrong type`,
		},
		{
			name:   "aud as a number",
			token:  hs(with(map[string]any{"aud": 7})),
			want:   ErrInvalidToken,
			reason: `claim "aud" has the wrong type`,
		},
		{
			name:   "missing exp",
			token:  hs(with(map[string]any{"exp": nil})),
			want:   ErrInvalidToken,
			reason: "no exp claim",
		},
		{
			name:   "missing iat",
			token:  hs(with(map[string]any{"iat": nil})),
			want:   ErrInvalidToken,
			reason: "no iat claim",
		},
		{
			name:   "missing jti",
			token:  hs(with(map[string]any{"jti": nil})),
			want:   ErrInvalidToken,
			reason: "no jti claim",
		},
		{
			name:   "empty jti",
			token:  hs(with(map[string]any{"jti": ""})),
			want:   ErrInvalidToken,
			reason: "no jti claim",
		},
		{
			name:   "missing access",
			token:  hs(with(map[string]any{"access": nil})),
			want:   ErrInvalidToken,
			reason: "no access claim",
		},
		{
			name:   "null access",
			token:  hs(with(map[string]any{"access": json.RawMessage("null")})),
			want:   ErrInvalidToken,
			reason: "no access claim",
		},
		{
			name:   "invalid access",
			token:  hs(with(map[string]any{"access": map[string]any{"Custom": map[string]any{}}})),
			want:   ErrInvalidToken,
			reason: "access claim is invalid: Custom: must name at least one endpoint",
		},
		{
			name:   "missing iss",
			token:  hs(with(map[string]any{"iss": nil})),
			want:   ErrInvalidToken,
			reason: "no iss claim",
		},
		{
			name:   "wrong iss",
			token:  hs(with(map[string]any{"iss": "dozer"})),
			want:   ErrInvalidToken,
			reason: "issuer mismatch",
		},
		{
			name:   "missing aud",
			token:  hs(with(map[string]any{"aud": nil})),
			want:   ErrInvalidToken,
			reason: "no aud claim",
		},
		{
			name:   "wrong aud",
			token:  hs(with(map[string]any{"aud": "cache_user"})),
			want:   ErrInvalidToken,
			reason: "audience mismatch",
		},
		{
			name:   "aud list without ours",
			token:  hs(with(map[string]any{"aud": []string{"a", "b"}})),
			want:   ErrInvalidToken,
			reason: "audience mismatch",
		},
		{
			name:   "issued in the future",
			token:  hs(with(map[string]any{"iat": t0.Add(time.Minute).Unix()})),
			want:   ErrInvalidToken,
			reason: "issued in the future",
		},
		{
			name:   "not valid yet",
			token:  hs(with(map[string]any{"nbf": t0.Add(time.Minute).Unix()})),
			want:   ErrInvalidToken,
			reason: "not valid yet",
		},
		{
			name: "crit header",
			token: signToken(t, jwt.SigningMethodHS256, testSecret,
				map[string]any{"alg": "HS256", "crit": []string{"exp"}}, validClaims()),
			want:   ErrInvalidToken,
			reason: "crit",
		},
		{
			name:   "one segment",
			token:  "abc",
			want:   ErrInvalidToken,
			reason: "three dot-separated segments",
		},
		{
			name:   "two segments",
			token:  parts[0] + "." + parts[1],
			want:   ErrInvalidToken,
			reason: "three dot-separated segments",
		},
		{
			name:   "four segments",
			token:  valid + ".x",
			want:   ErrInvalidToken,
			reason: "three dot-separated segments",
		},
		{name: "empty segments", token: "..", want: ErrInvalidToken, reason: "not a JSON object"},
		{
			name:   "bad base64 header",
			token:  "!!!." + parts[1] + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "not valid base64url",
		},
		{
			name:   "bad base64 claims",
			token:  parts[0] + ".a$b." + parts[2],
			want:   ErrInvalidToken,
			reason: "not valid base64url",
		},
		{
			name:   "padded base64",
			token:  parts[0] + "=." + parts[1] + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "not valid base64url",
		},
		{
			name:   "header not an object",
			token:  b64(`["HS256"]`) + "." + parts[1] + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "not a JSON object",
		},
		{
			name:   "claims not JSON",
			token:  parts[0] + "." + b64("exp=1") + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "not a JSON object",
		},
		{name: "empty", token: "", want: ErrInvalidToken, reason: "token is empty"},
		{
			name:   "huge",
			token:  parts[0] + "." + strings.Repeat("A", MaxTokenBytes) + "." + parts[2],
			want:   ErrInvalidToken,
			reason: "longer than 8192 bytes",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, c := newTestAuthority(t, Options{})
			c.Advance(tc.advance)

			claims, err := a.Verify(tc.token)
			if err == nil {
				t.Fatalf("Verify succeeded with %+v, want an error", claims)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify error = %v, want one wrapping %v", err, tc.want)
			}
			for _, other := range []error{otherSentinel(tc.want), ErrInvalidAccess, ErrMissingToken} {
				if errors.Is(err, other) {
					t.Errorf("Verify error = %v also wraps %v", err, other)
				}
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Verify error = %q, want it to say %q", err, tc.reason)
			}
			assertNoLeak(t, err, tc.token)
		})
	}
}

func otherSentinel(err error) error {
	if err == ErrExpiredToken {
		return ErrInvalidToken
	}
	return ErrExpiredToken
}

// assertNoLeak fails when an error message repeats the secret or any
// segment of the token long enough to matter.
func assertNoLeak(t *testing.T, err error, token string) {
	t.Helper()
	msg := err.Error()
	if strings.Contains(msg, string(testSecret)) {
		t.Errorf("error %q contains the secret", msg)
	}
	for _, segment := range append(strings.Split(token, "."), token) {
		if len(segment) >= 8 && strings.Contains(msg, segment) {
			t.Errorf("error %q repeats part of the token", msg)
		}
	}
}

func TestVerifyAccepts(t *testing.T) {
	t.Parallel()
	hs := func(claims map[string]any) string {
		return signToken(t, jwt.SigningMethodHS256, testSecret, hs256Header(), claims)
	}
	tests := []struct {
		name    string
		token   string
		advance time.Duration
		wantExp time.Time
	}{
		{
			name:  "aud list with ours",
			token: hs(with(map[string]any{"aud": []string{"x", "gantry-api"}})),
		},
		{
			name:  "unknown claims",
			token: hs(with(map[string]any{"role": "admin", "sub": 5, "tenant": []int{1}})),
		},
		{name: "header with kid", token: signToken(t, jwt.SigningMethodHS256, testSecret,
			map[string]any{"alg": "HS256", "kid": "k1", "typ": "JWT"}, validClaims())},
		{name: "nbf passed", token: hs(with(map[string]any{"nbf": t0.Unix()}))},
		{
			name:  "iat within the leeway",
			token: hs(with(map[string]any{"iat": t0.Add(20 * time.Second).Unix()})),
		},
		{
			name:    "exp within the leeway",
			token:   hs(validClaims()),
			advance: time.Hour + defaultLeeway - time.Second,
		},
		{
			name:    "fractional exp",
			token:   hs(with(map[string]any{"exp": float64(t0.Unix()) + 90.5})),
			wantExp: t0.Add(90*time.Second + 500*time.Millisecond),
		},
		{
			name:  "zero iat",
			token: hs(with(map[string]any{"iat": 0})),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, c := newTestAuthority(t, Options{})
			c.Advance(tc.advance)
			claims, err := a.Verify(tc.token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !claims.Master || claims.ID != "test-jti" {
				t.Errorf("Verify = %+v, want a master token with jti test-jti", claims)
			}
			if !tc.wantExp.IsZero() && !claims.ExpiresAt.Equal(tc.wantExp) {
				t.Errorf("ExpiresAt = %v, want %v", claims.ExpiresAt, tc.wantExp)
			}
		})
	}
}

func TestVerifyLeewayOption(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		leeway time.Duration
		after  time.Duration // past exp
		want   error
	}{
		{name: "default leeway, inside", leeway: 0, after: 29 * time.Second},
		{
			name:   "default leeway, at its end",
			leeway: 0,
			after:  30 * time.Second,
			want:   ErrExpiredToken,
		},
		{name: "no leeway, at exp", leeway: -1, after: 0, want: ErrExpiredToken},
		{name: "no leeway, before exp", leeway: -1, after: -time.Second},
		{name: "long leeway", leeway: 5 * time.Minute, after: 4 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, c := newTestAuthority(t, Options{Leeway: tc.leeway, CacheSize: -1})
			token, _ := mustMint(t, a, Access{All: true}, time.Minute, nil)
			c.Advance(time.Minute + tc.after)
			_, err := a.Verify(token)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Verify error = %v, want %v", err, tc.want)
			}
		})
	}
}

// goldenSecret signed goldenTokens, minted by Mint at t0 with a ttl of 1h.
// They pin the token format, and they are the only tokens FuzzVerify may see
// verify.
var (
	goldenSecret = []byte("gantry golden-token secret, used by tests only!!")
	goldenTokens = map[string]string{
		"all": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
			"eyJhY2Nlc3MiOiJBbGwiLCJhdWQiOiJnYW50cnktYXBpIiwiZXhwIjoxNzY3MjI5" +
			"MjAwLCJpYXQiOjE3NjcyMjU2MDAsImlzcyI6ImdhbnRyeSIsImp0aSI6ImlDMGtj" +
			"Q05tWmRJcVNPMDNTUmFyNWciLCJzdWIiOiJnYW50cnkifQ." +
			"QlSw8MUf-X-eijnyAmFbduwP_qqNlMbxVRl0EMM-YAc",
		"custom": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
			"eyJhY2Nlc3MiOnsiQ3VzdG9tIjp7InRyaXBzIjp7ImZpbHRlciI6eyJ0cmlwX2lk" +
			"Ijp7IiRsdCI6MTAwfSwibm90ZSI6IjxhJmI-In0sImZpZWxkcyI6WyJ0cmlwX2lk" +
			"IiwiZmFyZSJdfSwiem9uZXMiOnt9fX0sImF1ZCI6ImdhbnRyeS1hcGkiLCJleHAi" +
			"OjE3NjcyMjkyMDAsImlhdCI6MTc2NzIyNTYwMCwiaXNzIjoiZ2FudHJ5IiwianRp" +
			"IjoiQ3owX210OHJLazFqYjhWUXBla3Z2USIsInN1YiI6ImdhbnRyeSJ9." +
			"I0IkyITOe5m91byxufzlcNy7OXMSS9rxtsd0LGIrae4",
	}
)

func goldenAuthority(t testing.TB) *Authority {
	t.Helper()
	a, err := NewAuthority(goldenSecret, Options{Now: func() time.Time { return t0.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGoldenTokens(t *testing.T) {
	t.Parallel()
	a := goldenAuthority(t)
	want := map[string]Access{"all": {All: true}, "custom": tripsAccess()}
	for _, name := range []string{"all", "custom"} {
		claims, err := a.Verify(goldenTokens[name])
		if err != nil {
			t.Errorf("Verify(%s golden token): %v", name, err)
			continue
		}
		wantAccess, _ := ParseAccess(mustMarshal(t, want[name]))
		if !reflect.DeepEqual(claims.Access, wantAccess) {
			t.Errorf("%s golden token grants %s, want %s",
				name, mustMarshal(t, claims.Access), mustMarshal(t, wantAccess))
		}
		if !claims.ExpiresAt.Equal(t0.Add(time.Hour)) || !claims.IssuedAt.Equal(t0) {
			t.Errorf("%s golden token: iat %v exp %v, want %v and %v",
				name, claims.IssuedAt, claims.ExpiresAt, t0, t0.Add(time.Hour))
		}
	}
}

func FuzzVerify(f *testing.F) {
	a := goldenAuthority(f)
	minted := make(map[string]bool)
	for token := range maps.Values(goldenTokens) {
		minted[token] = true
		f.Add(token)
	}

	f.Fuzz(func(t *testing.T, token string) {
		claims, err := a.Verify(token)
		if err == nil {
			if !minted[token] {
				t.Fatalf("Verify accepted a token that was never minted: %+v", claims)
			}
			return
		}
		if !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrExpiredToken) {
			t.Fatalf("Verify error %v wraps neither ErrInvalidToken nor ErrExpiredToken", err)
		}
		if strings.Contains(err.Error(), string(goldenSecret)) {
			t.Fatalf("error %q contains the secret", err)
		}
		if len(token) >= 16 && strings.Contains(err.Error(), token) {
			t.Fatalf("error %q repeats the token", err)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	b.Run("uncached", func(b *testing.B) {
		a, _ := newTestAuthority(b, Options{CacheSize: -1})
		token, _ := mustMint(b, a, tripsAccess(), time.Hour, nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Verify(token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		a, _ := newTestAuthority(b, Options{})
		token, _ := mustMint(b, a, tripsAccess(), time.Hour, nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Verify(token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached-parallel", func(b *testing.B) {
		a, _ := newTestAuthority(b, Options{})
		tokens := make([]string, 64)
		for i := range tokens {
			tokens[i], _ = mustMint(b, a, tripsAccess(), time.Hour, nil)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				if _, err := a.Verify(tokens[i%len(tokens)]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
