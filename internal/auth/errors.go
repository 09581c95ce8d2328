package auth

import (
	"errors"
	"fmt"
)

// Errors that the server maps to statuses. The messages of errors that wrap
// them are written for clients: they say why and never echo a token or secret.
var (
	// ErrMissingToken means the request carries no bearer credentials: no
	// Authorization header, an empty one, an empty token or another scheme.
	// RFC 6750 §3.1 asks for a bare challenge, with no error code, in that case.
	ErrMissingToken = errors.New("missing bearer token")

	// ErrInvalidToken means the token was presented but cannot be trusted:
	// malformed, badly signed, for another issuer or audience, or lacking a
	// required claim.
	ErrInvalidToken = errors.New("invalid token")

	// ErrExpiredToken means the token was valid but its exp has passed. It is
	// kept apart from ErrInvalidToken so that clients know to get a new one.
	ErrExpiredToken = errors.New("token expired")

	// ErrWeakSecret means a signing secret is shorter than MinSecretBytes.
	ErrWeakSecret = errors.New("jwt secret is too weak")

	// ErrInvalidAccess means an access claim or request body is not valid
	// access JSON. Every *AccessError wraps it.
	ErrInvalidAccess = errors.New("invalid access")
)

// invalidToken returns an error that wraps ErrInvalidToken with a reason a
// client may read.
func invalidToken(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}
