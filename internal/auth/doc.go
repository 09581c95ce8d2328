// Package auth implements gantry's bearer tokens: Dozer's JWT and access
// model with the holes of Dozer's verifier closed.
//
// A token is a compact JWS signed with HS256 under one server secret
// (LoadOrCreateSecret, NewAuthority). Its payload is
//
//	{"access":"All","aud":"gantry-api","exp":1767229200,"iat":1767225600,
//	 "iss":"gantry","jti":"q3Xk…","sub":"gantry"}
//
// where access is Dozer's access JSON (ParseAccess): "All", or
// {"Custom":{"<endpoint>":{"filter":<filter expression>,"fields":[...]}}}.
//
// Compared with Dozer (dozer-api/src/auth), Authority.Verify
//
//   - reads exp in seconds and refuses values that look like milliseconds,
//     where Dozer wrote milliseconds, read seconds, and so never expired;
//   - refuses secrets shorter than 32 bytes, where Dozer took even an empty
//     one;
//   - requires iat (not in the future), iss, aud and a random jti, so that
//     tokens can be told apart and, later, revoked;
//   - keeps Dozer's HS256 pin and its default of ignoring unknown claims.
//
// Dozer tokens therefore do not verify here; clients mint new ones.
//
// Verified tokens are cached by the SHA-256 hash of the token until their
// exp (see Verify). Which endpoints, rows and fields a token may read is
// enforced by the server with the Access that Verify returns.
//
// The package does not log. Its errors wrap ErrMissingToken, ErrInvalidToken,
// ErrExpiredToken, ErrWeakSecret or ErrInvalidAccess, which the server maps to
// HTTP statuses and Connect codes.
package auth
