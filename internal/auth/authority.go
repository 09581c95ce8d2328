package auth

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// MinSecretBytes is the shortest signing secret NewAuthority accepts: 256
	// bits, the output size of SHA-256 (RFC 7518 §3.2).
	MinSecretBytes = 32

	// MaxTokenBytes is the longest token ParseBearer, Verify and Mint handle.
	MaxTokenBytes = 8 << 10

	defaultIssuer    = "gantry"
	defaultAudience  = "gantry-api"
	defaultLeeway    = 30 * time.Second
	defaultCacheSize = 10000
	subject          = "gantry"
)

// headerSegment is the encoded header of every minted token. It is fixed, so
// it is encoded once.
var headerSegment = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// Options tune an Authority. The zero value gives the defaults.
type Options struct {
	// Issuer is the iss claim written and required; default "gantry".
	Issuer string
	// Audience is the aud claim written and required; default "gantry-api".
	Audience string
	// Leeway absorbs clock skew in the exp, iat and nbf checks; 0 means the
	// default of 30s, and a negative value means none.
	Leeway time.Duration
	// CacheSize bounds the verified-token cache; 0 means the default of
	// 10000 entries, and a negative value disables the cache.
	CacheSize int
	// Now returns the current time; default time.Now. Tests set it.
	Now func() time.Time
}

// Authority mints and verifies gantry's HS256 tokens with one secret. It is
// safe for concurrent use. A new secret needs a new Authority, which also
// drops every cached verification made with the old one.
type Authority struct {
	secret   []byte
	issuer   string
	audience string
	leeway   time.Duration
	now      func() time.Time
	parser   *jwt.Parser
	cache    *tokenCache // nil when disabled
}

// NewAuthority returns an Authority that signs with a copy of secret. A
// secret shorter than MinSecretBytes is refused with an error that wraps
// ErrWeakSecret.
func NewAuthority(secret []byte, opts Options) (*Authority, error) {
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf(
			"%w: it has %d bytes and needs at least %d; make one with "+
				"`openssl rand -base64 48` or `head -c 48 /dev/urandom | base64`",
			ErrWeakSecret, len(secret), MinSecretBytes)
	}

	a := &Authority{
		secret:   bytes.Clone(secret),
		issuer:   cmp.Or(opts.Issuer, defaultIssuer),
		audience: cmp.Or(opts.Audience, defaultAudience),
		leeway:   max(cmp.Or(opts.Leeway, defaultLeeway), 0),
		now:      opts.Now,
		// Claims are validated by validate, after the signature, so that
		// every rule and message lives in this package.
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithStrictDecoding(),
			jwt.WithoutClaimsValidation(),
		),
	}
	if a.now == nil {
		a.now = time.Now
	}
	if size := cmp.Or(opts.CacheSize, defaultCacheSize); size > 0 {
		a.cache = newTokenCache(size)
	}
	return a, nil
}

// Mint signs a token that grants access for ttl, at least one second. When
// parent is not nil the token expires no later than parent does; Mint does
// not check that access is narrower than parent's, so the caller decides who
// may mint what (Dozer lets only All tokens mint).
//
// An access that MarshalJSON refuses, or one too large for a MaxTokenBytes
// token, gives an error that wraps ErrInvalidAccess. A parent that has
// expired gives one that wraps ErrExpiredToken.
func (a *Authority) Mint(
	access Access,
	ttl time.Duration,
	parent *Claims,
) (token string, claims *Claims, err error) {
	if ttl < time.Second {
		return "", nil, fmt.Errorf("mint token: ttl %v is shorter than one second", ttl)
	}

	// The returned access is the one Verify will read back, so it is taken
	// from the JSON rather than from the caller's value.
	data, err := access.MarshalJSON()
	if err != nil {
		return "", nil, err
	}
	access, err = ParseAccess(data)
	if err != nil {
		return "", nil, fmt.Errorf("mint token: access does not read back: %w", err)
	}

	now := a.now()
	exp := now.Add(ttl)
	if parent != nil && parent.ExpiresAt.Before(exp) {
		exp = parent.ExpiresAt
	}
	// Claims hold whole seconds; a token must outlive the second it is made in.
	if exp.Unix() <= now.Unix() {
		return "", nil, fmt.Errorf("mint token: %w: the parent token has expired", ErrExpiredToken)
	}

	claims = &Claims{
		Access:    access,
		Master:    access.All,
		ID:        newID(),
		IssuedAt:  time.Unix(now.Unix(), 0),
		ExpiresAt: time.Unix(exp.Unix(), 0),
	}
	token, err = a.sign(claims, data)
	if err != nil {
		return "", nil, fmt.Errorf("mint token: %w", err)
	}
	if len(token) > MaxTokenBytes {
		return "", nil, accessError("", "is too large: the token would have "+
			strconv.Itoa(len(token))+" bytes, over the limit of "+strconv.Itoa(MaxTokenBytes))
	}
	return token, claims, nil
}

// sign builds the token by hand rather than through jwt.Token, whose JSON
// encoding escapes <, > and & in filters; Verify would then read back bytes
// that differ from the access Mint returned.
func (a *Authority) sign(c *Claims, access json.RawMessage) (string, error) {
	var payload bytes.Buffer
	enc := json.NewEncoder(&payload)
	enc.SetEscapeHTML(false)
	err := enc.Encode(mintedClaims{
		Access:    access,
		Audience:  a.audience,
		ExpiresAt: c.ExpiresAt.Unix(),
		IssuedAt:  c.IssuedAt.Unix(),
		Issuer:    a.issuer,
		ID:        c.ID,
		Subject:   subject,
	})
	if err != nil {
		return "", err
	}

	signing := headerSegment + "." +
		base64.RawURLEncoding.EncodeToString(bytes.TrimSuffix(payload.Bytes(), []byte("\n")))
	sig, err := jwt.SigningMethodHS256.Sign(signing, a.secret)
	if err != nil {
		return "", err
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// newID returns 128 random bits, base64url-encoded, for the jti claim.
func newID() string {
	var b [16]byte
	// crypto/rand.Read never fails; it aborts the program instead.
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// keyFunc hands the parser the secret. The parser has already refused every
// alg but HS256; the check here keeps a future parser option from reopening
// key confusion.
func (a *Authority) keyFunc(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, errors.New("unexpected signing algorithm")
	}
	return a.secret, nil
}
