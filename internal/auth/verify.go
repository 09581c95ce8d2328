package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verify checks a token and returns its claims. The rules close the holes of
// Dozer's verifier:
//
//   - the header's alg must be HS256 and the header may not carry crit;
//   - the signature must match the Authority's secret;
//   - exp and iat are required, in seconds (a value that looks like
//     milliseconds is refused), with Options.Leeway for clock skew: iat may
//     not be in the future and, when present, nbf must have passed;
//   - iss and aud must match the Options; jti is required;
//   - access is required and must parse with ParseAccess;
//   - other claims, sub included, are ignored.
//
// Failures wrap ErrExpiredToken (a valid token past its exp) or
// ErrInvalidToken (anything else); their messages may be shown to clients and
// never include the token. A verified token is cached, keyed by its SHA-256
// hash, until its exp; failures are not cached.
func (a *Authority) Verify(token string) (*Claims, error) {
	switch {
	case token == "":
		return nil, invalidToken("token is empty")
	case len(token) > MaxTokenBytes:
		return nil, invalidToken("token is longer than " + strconv.Itoa(MaxTokenBytes) + " bytes")
	}

	now := a.now()
	var key cacheKey
	if a.cache != nil {
		key = sha256.Sum256([]byte(token))
		if claims := a.cache.get(key, now); claims != nil {
			return claims.clone(), nil
		}
	}

	claims, err := a.verify(token, now)
	if err != nil {
		return nil, err
	}
	if a.cache != nil {
		a.cache.put(key, claims, now)
	}
	return claims.clone(), nil
}

func (a *Authority) verify(token string, now time.Time) (*Claims, error) {
	var wire tokenClaims
	parsed, err := a.parser.ParseWithClaims(token, &wire, a.keyFunc)
	if err != nil {
		return nil, parseError(token, parsed, err)
	}

	// RFC 7515 §4.1.11: a crit header names extensions the verifier must
	// understand, and this one understands none.
	if _, ok := parsed.Header["crit"]; ok {
		return nil, invalidToken("token header has crit parameters, which are not supported")
	}
	return a.validate(&wire, now)
}

// validate applies the claim rules to a token whose signature is good. Rules
// about what the token is come before rules about when, so that a token that
// could never pass is not reported as merely expired.
func (a *Authority) validate(w *tokenClaims, now time.Time) (*Claims, error) {
	if w.ExpiresAt == nil {
		return nil, invalidToken("token has no exp claim")
	}
	exp, err := claimTime("exp", *w.ExpiresAt)
	if err != nil {
		return nil, err
	}
	if w.IssuedAt == nil {
		return nil, invalidToken("token has no iat claim")
	}
	iat, err := claimTime("iat", *w.IssuedAt)
	if err != nil {
		return nil, err
	}
	var nbf time.Time
	if w.NotBefore != nil {
		if nbf, err = claimTime("nbf", *w.NotBefore); err != nil {
			return nil, err
		}
	}

	switch {
	case w.Issuer == "":
		return nil, invalidToken("token has no iss claim")
	case w.Issuer != a.issuer:
		return nil, invalidToken("issuer mismatch")
	case len(w.Audience) == 0:
		return nil, invalidToken("token has no aud claim")
	case !slices.Contains(w.Audience, a.audience):
		return nil, invalidToken("audience mismatch")
	case w.ID == "":
		return nil, invalidToken("token has no jti claim")
	case len(w.Access) == 0 || string(w.Access) == "null":
		return nil, invalidToken("token has no access claim")
	}

	access, err := ParseAccess(w.Access)
	if err != nil {
		// Not wrapped: a bad claim in a signed token is the token's fault
		// (401), not a bad request body (400).
		var ae *AccessError
		if !errors.As(err, &ae) {
			return nil, invalidToken("access claim is invalid")
		}
		return nil, invalidToken("access claim is invalid: " + ae.detail())
	}

	latest := now.Add(a.leeway)
	switch {
	case iat.After(latest):
		return nil, invalidToken("token was issued in the future")
	case nbf.After(latest):
		return nil, invalidToken("token is not valid yet")
	case !now.Before(exp.Add(a.leeway)):
		return nil, ErrExpiredToken
	}

	return &Claims{
		Access:    access,
		Master:    access.All,
		ID:        w.ID,
		IssuedAt:  iat,
		ExpiresAt: exp,
	}, nil
}

// parseError turns the jwt parser's error into a message for clients.
func parseError(token string, parsed *jwt.Token, err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return invalidToken(malformedReason(token, err))
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// The alg is missing, unknown to the library, or refused by keyFunc.
		return invalidToken("unexpected signing algorithm")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		if parsed != nil && parsed.Method != jwt.SigningMethodHS256 {
			return invalidToken("unexpected signing algorithm")
		}
		return invalidToken("signature is invalid")
	default:
		return invalidToken("token could not be verified")
	}
}

func malformedReason(token string, err error) string {
	var (
		corrupt  base64.CorruptInputError
		wrongTyp *json.UnmarshalTypeError
	)
	switch {
	case strings.Count(token, ".") != 2:
		return "token must have three dot-separated segments"
	case errors.As(err, &corrupt):
		return "token is not valid base64url"
	case errors.As(err, &wrongTyp) && wrongTyp.Field != "":
		return "token claim " + strconv.Quote(wrongTyp.Field) + " has the wrong type"
	case errors.Is(err, jwt.ErrInvalidType):
		return `token claim "aud" has the wrong type`
	default:
		return "token header or claims are not a JSON object"
	}
}
