package query

import (
	"cmp"
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{name: "empty", text: "", want: nil},
		{name: "punctuation only", text: " -/, ", want: nil},
		{name: "split on punctuation", text: "cash-card,debit/card 42",
			want: []string{"cash", "card", "debit", "42"}},
		{name: "deduplicated", text: "card card Card", want: []string{"card", "Card"}},
		{name: "letters and digits", text: "x42 4x", want: []string{"x42", "4x"}},
		{name: "non-ASCII letters", text: "naïve café 東京",
			want: []string{"naïve", "café", "東京"}},
		{name: "apostrophe splits", text: "don't", want: []string{"don", "t"}},
		{name: "invalid UTF-8 splits", text: "ab\xffcd", want: []string{"ab", "cd"}},
		{name: "stops at the maximum", text: strings.Repeat("x y z ", 9) + "w", max: 2,
			want: []string{"x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := words(nil, tt.text, cmp.Or(tt.max, MaxWords))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("words(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestHasWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		word string
		want bool
	}{
		{name: "whole text", text: "card", word: "card", want: true},
		{name: "among punctuation", text: "card,cash", word: "cash", want: true},
		{name: "case-sensitive", text: "Card", word: "card", want: false},
		{name: "prefix of a word", text: "cards", word: "card", want: false},
		{name: "suffix of a word", text: "x42", word: "42", want: false},
		{name: "second occurrence", text: "cards card", word: "card", want: true},
		{name: "empty word", text: "card", word: "", want: false},
		{name: "non-ASCII", text: "straße café", word: "café", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := hasWord(tt.text, tt.word); got != tt.want {
				t.Errorf("hasWord(%q, %q) = %t, want %t", tt.text, tt.word, got, tt.want)
			}
		})
	}
}

func TestHasWordList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		list string
		all  bool
		want bool
	}{
		{name: "any, one present", text: "credit card", list: "cash card", want: true},
		{name: "any, none present", text: "credit card", list: "cash debit",
			want: false},
		{name: "all present", text: "credit card", list: "card credit", all: true,
			want: true},
		{name: "all, one missing", text: "credit card", list: "card cash", all: true,
			want: false},
		{name: "any, empty list", text: "card", list: "", want: false},
		{name: "all, empty list", text: "card", list: "", all: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := hasWordList(tt.text, tt.list, tt.all)
			if got != tt.want {
				t.Errorf("hasWordList(%q, %q, %t) = %t, want %t",
					tt.text, tt.list, tt.all, got, tt.want)
			}
			if got != hasWords(tt.text, words(nil, tt.list, MaxWords), tt.all) {
				t.Errorf("hasWordList and hasWords disagree on %q, %q", tt.text, tt.list)
			}
		})
	}
}
