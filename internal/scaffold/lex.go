package scaffold

import (
	"fmt"
	"strings"
)

type tokenKind int

const (
	tokIdent tokenKind = iota
	tokNumber
	tokString
	tokPunct
)

// token is one lexical token of a .proto file.
type token struct {
	kind tokenKind
	text string // a string token's text keeps its quotes
	line int
	// lead holds the text after // of each line of the comment directly
	// above the token, or nil. Block comments and trailing comments are not
	// kept.
	lead []string
}

// lex splits a .proto file into tokens, or returns an error naming the
// line of the first thing it cannot read.
func lex(src []byte) ([]token, error) {
	l := lexer{src: string(src), line: 1}
	for {
		l.skipSpaceAndComments()
		if l.err != nil {
			return nil, fmt.Errorf("line %d: %w", l.line, l.err)
		}
		if l.pos >= len(l.src) {
			return l.toks, nil
		}
		if err := l.next(); err != nil {
			return nil, fmt.Errorf("line %d: %w", l.line, err)
		}
	}
}

type lexer struct {
	src  string
	pos  int
	line int
	toks []token
	// lead is the comment block being collected for the next token, and
	// leadEnd the line it ends on.
	lead    []string
	leadEnd int
	err     error
}

func (l *lexer) skipSpaceAndComments() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"):
			l.lineComment()
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			l.blockComment()
		default:
			return
		}
	}
}

func (l *lexer) lineComment() {
	end := strings.IndexByte(l.src[l.pos:], '\n')
	if end < 0 {
		end = len(l.src) - l.pos
	}
	text := strings.TrimRight(l.src[l.pos+2:l.pos+end], " \t\r")
	l.pos += end
	switch {
	case len(l.toks) > 0 && l.toks[len(l.toks)-1].line == l.line:
		// A comment after code on its line trails that code.
		return
	case l.lead != nil && l.leadEnd == l.line-1:
		l.lead = append(l.lead, text)
	default:
		// A blank line (or nothing) separates this comment from any
		// earlier one, which is therefore detached.
		l.lead = []string{text}
	}
	l.leadEnd = l.line
}

func (l *lexer) blockComment() {
	end := strings.Index(l.src[l.pos+2:], "*/")
	if end < 0 {
		l.pos = len(l.src)
		l.err = fmt.Errorf("unterminated block comment")
		return
	}
	body := l.src[l.pos : l.pos+2+end+2]
	l.line += strings.Count(body, "\n")
	l.pos += len(body)
	l.lead = nil
}

func (l *lexer) next() error {
	start, c := l.pos, l.src[l.pos]
	var kind tokenKind
	switch {
	case isIdentStart(c):
		kind = tokIdent
		l.pos++
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
	case c >= '0' && c <= '9':
		kind = tokNumber
		for l.pos < len(l.src) && (isIdentPart(l.src[l.pos]) || l.src[l.pos] == '.') {
			l.pos++
		}
	case c == '"' || c == '\'':
		kind = tokString
		if err := l.skipString(c); err != nil {
			return err
		}
	case strings.IndexByte("{}[]()<>;,=:.-+/", c) >= 0:
		kind = tokPunct
		l.pos++
	default:
		return fmt.Errorf("unexpected character %q", c)
	}

	tok := token{kind: kind, text: l.src[start:l.pos], line: l.line}
	if l.lead != nil && l.leadEnd == l.line-1 {
		tok.lead = l.lead
	}
	l.lead = nil
	l.toks = append(l.toks, tok)
	return nil
}

func (l *lexer) skipString(quote byte) error {
	l.pos++
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case quote:
			l.pos++
			return nil
		case '\\':
			l.pos += 2
		case '\n':
			return fmt.Errorf("unterminated string")
		default:
			l.pos++
		}
	}
	return fmt.Errorf("unterminated string")
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}
