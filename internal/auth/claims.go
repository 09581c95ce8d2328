package auth

import (
	"encoding/json"
	"math"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxSeconds is the largest exp or iat taken as seconds since the epoch (the
// year 5138). Dozer wrote exp in milliseconds and read it as seconds, so its
// tokens never expired; a larger value is refused rather than guessed at.
const maxSeconds = 1e11

// Claims are the verified claims of a token. Verify and Mint return a fresh
// copy each time, so a caller may keep or change it.
type Claims struct {
	Access Access
	// Master is Access.All: the token reads everything.
	Master bool
	// ID is the jti claim, unique per minted token.
	ID        string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

func (c *Claims) clone() *Claims {
	dup := *c
	dup.Access = c.Access.clone()
	return &dup
}

// mintedClaims is the payload Mint signs. Its fields are in JSON key order;
// aud is a plain string, as Dozer wrote it.
type mintedClaims struct {
	Access    json.RawMessage `json:"access"`
	Audience  string          `json:"aud"`
	ExpiresAt int64           `json:"exp"`
	IssuedAt  int64           `json:"iat"`
	Issuer    string          `json:"iss"`
	ID        string          `json:"jti"`
	Subject   string          `json:"sub"`
}

// tokenClaims is the payload Verify reads. Numeric dates stay float64 so
// that validate can range-check them before they become times; pointers tell
// a missing claim from a zero one. Claims not listed here are ignored.
type tokenClaims struct {
	Issuer    string           `json:"iss"`
	Audience  jwt.ClaimStrings `json:"aud"`
	ExpiresAt *float64         `json:"exp"`
	NotBefore *float64         `json:"nbf"`
	IssuedAt  *float64         `json:"iat"`
	ID        string           `json:"jti"`
	Access    json.RawMessage  `json:"access"`
}

// The jwt.Claims methods let the parser decode into tokenClaims. The parser
// runs without its own claim validation; Authority.validate does that.

func (c *tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	return numericDate(c.ExpiresAt), nil
}

func (c *tokenClaims) GetIssuedAt() (*jwt.NumericDate, error) {
	return numericDate(c.IssuedAt), nil
}

func (c *tokenClaims) GetNotBefore() (*jwt.NumericDate, error) {
	return numericDate(c.NotBefore), nil
}

func (c *tokenClaims) GetIssuer() (string, error) { return c.Issuer, nil }

func (c *tokenClaims) GetSubject() (string, error) { return "", nil }

func (c *tokenClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Audience, nil }

func numericDate(seconds *float64) *jwt.NumericDate {
	if seconds == nil {
		return nil
	}
	return &jwt.NumericDate{Time: secondsToTime(*seconds)}
}

// claimTime converts a numeric date claim that validate has found present,
// refusing values that are negative or look like milliseconds.
func claimTime(name string, seconds float64) (time.Time, error) {
	switch {
	case seconds > maxSeconds:
		return time.Time{}, invalidToken(
			name + " claim looks like milliseconds; it must be seconds since 1970")
	case seconds < 0:
		return time.Time{}, invalidToken(name + " claim is negative")
	}
	return secondsToTime(seconds), nil
}

func secondsToTime(seconds float64) time.Time {
	whole, frac := math.Modf(seconds)
	return time.Unix(int64(whole), int64(frac*1e9))
}
