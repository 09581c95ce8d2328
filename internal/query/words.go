package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isWordRune reports whether r belongs in a word: words are maximal runs of
// Unicode letters and decimal digits, compared case-sensitively.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// nextWord returns the first word of s at or after byte i and the byte
// offset just past it, or "" and len(s) when there is none. Invalid UTF-8
// bytes separate words.
func nextWord(s string, i int) (string, int) {
	start := -1
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			return s[start:i], i
		}
		i += size
	}
	if start >= 0 {
		return s[start:], len(s)
	}
	return "", len(s)
}

// words appends the words of s that dst lacks to dst, and stops when dst
// holds max words. Callers keep max small: the check for duplicates is
// linear.
func words(dst []string, s string, max int) []string {
	for i := 0; i < len(s) && len(dst) < max; {
		var w string
		w, i = nextWord(s, i)
		if w != "" && !contains(dst, w) {
			dst = append(dst, w)
		}
	}
	return dst
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasWord reports whether w is one of the words of s.
func hasWord(s, w string) bool {
	if w == "" || !strings.Contains(s, w) {
		return false
	}
	for i := 0; i < len(s); {
		var x string
		x, i = nextWord(s, i)
		if x == w {
			return true
		}
	}
	return false
}

// hasWords reports whether s holds any (all false) or every (all true) word
// of list. An empty list matches nothing.
func hasWords(s string, list []string, all bool) bool {
	if len(list) == 0 {
		return false
	}
	for _, w := range list {
		if hasWord(s, w) != all {
			return !all
		}
	}
	return all
}
