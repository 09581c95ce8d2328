package auth

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseBearer returns the token of an Authorization header value (HTTP
// header or gRPC metadata) of the form "Bearer <token>".
//
// The grammar is RFC 6750 §2.1, read as HTTP reads it: spaces and tabs around
// the value are ignored, the scheme is matched without regard to case, one or
// more spaces separate it from the token, and the token is a b64token (ASCII
// letters, digits and -._~+/ then optional trailing =), at most MaxTokenBytes
// long. Dozer's gRPC middleware wanted exactly "Bearer " and panicked on
// non-ASCII values; this accepts what its clients sent and refuses the rest
// with an error.
//
// An empty value, another scheme (say Basic) or a scheme with no token wraps
// ErrMissingToken, since RFC 6750 §3.1 treats them as no credentials. A token
// with characters outside the grammar, or too long, wraps ErrInvalidToken.
func ParseBearer(header string) (string, error) {
	value := strings.Trim(header, " \t")
	if value == "" {
		return "", ErrMissingToken
	}

	scheme, rest, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("%w: authorization scheme must be Bearer", ErrMissingToken)
	}
	token := strings.TrimLeft(rest, " ")
	switch {
	case token == "":
		return "", fmt.Errorf("%w: the bearer token is empty", ErrMissingToken)
	case len(token) > MaxTokenBytes:
		return "", invalidToken("token is longer than " + strconv.Itoa(MaxTokenBytes) + " bytes")
	case !isB64Token(token):
		return "", invalidToken("bearer token has characters outside the RFC 6750 token syntax")
	}
	return token, nil
}

// isB64Token reports whether s matches 1*( ALPHA / DIGIT / "-" / "." / "_" /
// "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
