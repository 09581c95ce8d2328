package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestParseBearer(t *testing.T) {
	t.Parallel()
	const jwtLike = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_"
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{name: "canonical", header: "Bearer " + jwtLike, want: jwtLike},
		{name: "lower-case scheme", header: "bearer " + jwtLike, want: jwtLike},
		{name: "upper-case scheme", header: "BEARER " + jwtLike, want: jwtLike},
		{name: "several spaces", header: "Bearer    " + jwtLike, want: jwtLike},
		{name: "surrounding white space", header: " \tBearer " + jwtLike + " \t", want: jwtLike},
		{name: "b64token characters", header: "Bearer aZ09-._~+/==", want: "aZ09-._~+/=="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBearer(tc.header)
			if err != nil {
				t.Fatalf("ParseBearer(%q): %v", tc.header, err)
			}
			if got != tc.want {
				t.Errorf("ParseBearer(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

func TestParseBearerRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   error
		reason string
	}{
		{name: "empty", header: "", want: ErrMissingToken, reason: "missing bearer token"},
		{name: "blank", header: " \t ", want: ErrMissingToken, reason: "missing bearer token"},
		{name: "scheme only", header: "Bearer", want: ErrMissingToken, reason: "empty"},
		{
			name:   "scheme and spaces",
			header: "Bearer   ",
			want:   ErrMissingToken,
			reason: "missing bearer token",
		},
		{
			name:   "basic",
			header: "Basic dXNlcjpwYXNz",
			want:   ErrMissingToken,
			reason: "scheme must be Bearer",
		},
		{
			name:   "token without scheme",
			header: "eyJhbGciOi.eyJzdWIi.c2ln",
			want:   ErrMissingToken,
			reason: "scheme must be Bearer",
		},
		{
			name:   "scheme glued to token",
			header: "Bearereyabc",
			want:   ErrMissingToken,
			reason: "scheme must be Bearer",
		},
		{
			name:   "tab separator",
			header: "Bearer\tabc",
			want:   ErrMissingToken,
			reason: "scheme must be Bearer",
		},
		{
			name:   "two tokens",
			header: "Bearer abc def",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{
			name:   "comma list",
			header: "Bearer abc, Bearer def",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{
			name:   "control character",
			header: "Bearer abc\x00def",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{
			name:   "newline",
			header: "Bearer abc\r\ndef",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{name: "DEL", header: "Bearer abc\x7f", want: ErrInvalidToken, reason: "token syntax"},
		{name: "non-ASCII", header: "Bearer abcé", want: ErrInvalidToken, reason: "token syntax"},
		{
			name:   "invalid UTF-8",
			header: "Bearer abc\xff",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{name: "quoted", header: `Bearer "abc"`, want: ErrInvalidToken, reason: "token syntax"},
		{name: "only padding", header: "Bearer ==", want: ErrInvalidToken, reason: "token syntax"},
		{
			name:   "padding inside",
			header: "Bearer ab=c",
			want:   ErrInvalidToken,
			reason: "token syntax",
		},
		{
			name:   "too long",
			header: "Bearer " + strings.Repeat("a", MaxTokenBytes+1),
			want:   ErrInvalidToken,
			reason: "longer than 8192 bytes",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBearer(tc.header)
			if err == nil {
				t.Fatalf("ParseBearer(%q) = %q, want an error", tc.header, got)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("ParseBearer(%q) error = %v, want one wrapping %v", tc.header, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("ParseBearer(%q) error = %q, want it to say %q", tc.header, err, tc.reason)
			}
		})
	}
}

func TestParseBearerAcceptsLongestToken(t *testing.T) {
	t.Parallel()
	token := strings.Repeat("a", MaxTokenBytes)
	if got, err := ParseBearer("Bearer " + token); err != nil || got != token {
		t.Errorf("ParseBearer of a %d-byte token = %d bytes, %v", MaxTokenBytes, len(got), err)
	}
}

func FuzzParseBearer(f *testing.F) {
	for _, seed := range []string{
		"Bearer abc.def.ghi", "bearer  x", "Basic dXNlcjpwYXNz", "Bearer", "",
		"Bearer a\x00b", "Bearer é", " Bearer abc== ",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, header string) {
		token, err := ParseBearer(header)
		if err != nil {
			if !errors.Is(err, ErrMissingToken) && !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v wraps neither ErrMissingToken nor ErrInvalidToken", err)
			}
			if h := strings.TrimSpace(header); len(h) >= 16 && strings.Contains(err.Error(), h) {
				t.Fatalf("error %q repeats the header", err)
			}
			return
		}
		if token == "" || len(token) > MaxTokenBytes {
			t.Fatalf("ParseBearer(%q) = a %d-byte token", header, len(token))
		}
		for i := 0; i < len(token); i++ {
			if c := token[i]; c <= ' ' || c >= 0x7f || c == '"' || c == ',' {
				t.Fatalf("ParseBearer(%q) = %q, which holds byte %#x", header, token, c)
			}
		}
		if !strings.Contains(header, token) {
			t.Fatalf("ParseBearer(%q) = %q, which is not in the header", header, token)
		}
		if again, err := ParseBearer("Bearer " + token); err != nil || again != token {
			t.Fatalf("ParseBearer(\"Bearer %s\") = %q, %v", token, again, err)
		}
	})
}
