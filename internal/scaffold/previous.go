package scaffold

import (
	"fmt"
	"strconv"
	"strings"
)

// previous is what Render keeps from an endpoint file's current content: the
// fields and reserved numbers of its messages, and its leading comments.
type previous struct {
	// record is the record message named by the (gantry.v1.endpoint)
	// option, or "" when the file has no such option.
	record   string
	messages map[string]*message
	// comments holds leading comments by declaration: "package",
	// "message <Name>", "service <Name>" and "rpc <Service>.<Method>".
	comments map[string][]string
}

// message is a top-level message of a previous file.
type message struct {
	fields        []prevField
	reserved      []numRange
	reservedNames []string
	// unsupported names the first construct in the message, such as a
	// oneof, that Render cannot carry over; "" when there is none.
	unsupported string
}

type prevField struct {
	name   string
	number int32
	lead   []string
}

// numRange is an inclusive range of field numbers.
type numRange struct{ lo, hi int32 }

// parsePrevious reads the parts of an endpoint file that Render keeps. It
// understands the proto3 that Render and buf format write, plus hand edits
// that stay within it, and returns an error naming the line of anything else.
func parsePrevious(src []byte) (*previous, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	prev := &previous{messages: map[string]*message{}, comments: map[string][]string{}}
	for !p.done() {
		if err := p.topLevel(prev); err != nil {
			return nil, err
		}
	}
	return prev, nil
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) done() bool { return p.pos >= len(p.toks) }

// peek returns the current token, or a zero token at the end.
func (p *parser) peek() token {
	if p.done() {
		return token{kind: tokPunct, line: p.lastLine()}
	}
	return p.toks[p.pos]
}

func (p *parser) lastLine() int {
	if len(p.toks) == 0 {
		return 1
	}
	return p.toks[len(p.toks)-1].line
}

func (p *parser) next() token {
	t := p.peek()
	if !p.done() {
		p.pos++
	}
	return t
}

// is reports whether the current token is the keyword or punctuation text.
func (p *parser) is(text string) bool {
	t := p.peek()
	return !p.done() && t.kind != tokString && t.text == text
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.peek().line, fmt.Sprintf(format, args...))
}

func (p *parser) expect(text string) error {
	if !p.is(text) {
		return p.errorf("want %q, found %q", text, p.peek().text)
	}
	p.pos++
	return nil
}

func (p *parser) ident() (string, error) {
	t := p.peek()
	if p.done() || t.kind != tokIdent {
		return "", p.errorf("want a name, found %q", t.text)
	}
	p.pos++
	return t.text, nil
}

// skipStatement skips to just past the next ; outside brackets.
func (p *parser) skipStatement() error {
	depth := 0
	for !p.done() {
		t := p.next()
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "{", "[", "(":
			depth++
		case "}", "]", ")":
			if depth--; depth < 0 {
				return fmt.Errorf("line %d: unbalanced %q", t.line, t.text)
			}
		case ";":
			if depth == 0 {
				return nil
			}
		}
	}
	return p.errorf("unexpected end of file")
}

// skipBlock skips from before the next { to just past its matching }.
func (p *parser) skipBlock() error {
	for !p.is("{") {
		if p.done() {
			return p.errorf("unexpected end of file")
		}
		p.pos++
	}
	depth := 0
	for !p.done() {
		t := p.next()
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "{":
			depth++
		case "}":
			if depth--; depth == 0 {
				return nil
			}
		}
	}
	return p.errorf("unexpected end of file")
}

func (p *parser) topLevel(prev *previous) error {
	t := p.peek()
	switch {
	case p.is(";"):
		p.pos++
		return nil
	case p.is("syntax"), p.is("edition"), p.is("import"):
		return p.skipStatement()
	case p.is("package"):
		prev.comments["package"] = t.lead
		return p.skipStatement()
	case p.is("option"):
		return p.fileOption(prev)
	case p.is("message"):
		p.pos++
		name, err := p.ident()
		if err != nil {
			return err
		}
		m, err := p.messageBody()
		if err != nil {
			return fmt.Errorf("message %s: %w", name, err)
		}
		prev.messages[name] = m
		prev.comments["message "+name] = t.lead
		return nil
	case p.is("service"):
		return p.service(prev)
	case p.is("enum"), p.is("extend"):
		return p.skipBlock()
	}
	return p.errorf("unexpected %q", t.text)
}

// fileOption reads the record message's name from the (gantry.v1.endpoint)
// option and skips every other option.
func (p *parser) fileOption(prev *previous) error {
	p.pos++
	start := p.pos
	var name strings.Builder
	for !p.done() && !p.is("=") && !p.is(";") {
		name.WriteString(p.next().text)
	}
	if name.String() != "(gantry.v1.endpoint)" {
		p.pos = start
		return p.skipStatement()
	}
	if err := p.expect("="); err != nil {
		return err
	}
	depth := 0
	for !p.done() && !(depth == 0 && p.is(";")) {
		t := p.next()
		switch {
		case t.kind == tokPunct && (t.text == "{" || t.text == "["):
			depth++
		case t.kind == tokPunct && (t.text == "}" || t.text == "]"):
			depth--
		case depth == 1 && t.kind == tokIdent && t.text == "record" && p.is(":"):
			p.pos++
			v, err := p.str()
			if err != nil {
				return err
			}
			prev.record = v
		}
	}
	return p.expect(";")
}

func (p *parser) str() (string, error) {
	t := p.peek()
	if p.done() || t.kind != tokString {
		return "", p.errorf("want a string, found %q", t.text)
	}
	p.pos++
	s, err := unquote(t.text)
	if err != nil {
		return "", fmt.Errorf("line %d: string %s: %w", t.line, t.text, err)
	}
	return s, nil
}

// unquote reads a proto string literal, whose escapes are Go's.
func unquote(lit string) (string, error) {
	if lit[0] == '\'' {
		inner := strings.ReplaceAll(lit[1:len(lit)-1], `\'`, `'`)
		lit = `"` + strings.ReplaceAll(inner, `"`, `\"`) + `"`
	}
	return strconv.Unquote(lit)
}

func (p *parser) messageBody() (*message, error) {
	m := &message{}
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		var err error
		switch {
		case p.done():
			return nil, p.errorf("unexpected end of file")
		case p.is("}"):
			p.pos++
			return m, nil
		case p.is(";"):
			p.pos++
		case p.is("option"):
			err = p.skipStatement()
		case p.is("reserved"):
			err = p.reserved(m)
		case p.is("message"), p.is("enum"), p.is("oneof"), p.is("extend"):
			m.unsupport(t.text)
			err = p.skipBlock()
		case p.is("extensions"), p.is("map"), p.is("group"):
			m.unsupport(t.text)
			err = p.skipStatement()
		default:
			err = p.field(m)
		}
		if err != nil {
			return nil, err
		}
	}
}

func (m *message) unsupport(what string) {
	if m.unsupported == "" {
		m.unsupported = what
	}
}

func (p *parser) field(m *message) error {
	f := prevField{lead: p.peek().lead}
	if p.is("optional") || p.is("repeated") || p.is("required") {
		p.pos++
	}
	if p.is(".") {
		p.pos++
	}
	if _, err := p.ident(); err != nil {
		return err
	}
	for p.is(".") {
		p.pos++
		if _, err := p.ident(); err != nil {
			return err
		}
	}
	var err error
	if f.name, err = p.ident(); err != nil {
		return err
	}
	if err := p.expect("="); err != nil {
		return err
	}
	if f.number, err = p.fieldNumber(); err != nil {
		return err
	}
	m.fields = append(m.fields, f)
	if p.is("[") {
		return p.skipStatement()
	}
	return p.expect(";")
}

func (p *parser) fieldNumber() (int32, error) {
	t := p.peek()
	if p.done() || t.kind != tokNumber {
		return 0, p.errorf("want a field number, found %q", t.text)
	}
	n, err := strconv.ParseInt(t.text, 0, 64)
	if err != nil || n < 1 || n > maxFieldNumber {
		return 0, p.errorf("bad field number %q", t.text)
	}
	p.pos++
	return int32(n), nil
}

// reserved reads `reserved 2, 5 to 7;` or `reserved "a", "b";`.
func (p *parser) reserved(m *message) error {
	p.pos++
	for {
		if p.peek().kind == tokString && !p.done() {
			name, err := p.str()
			if err != nil {
				return err
			}
			m.reservedNames = append(m.reservedNames, name)
		} else {
			lo, err := p.fieldNumber()
			if err != nil {
				return err
			}
			r := numRange{lo, lo}
			if p.is("to") {
				p.pos++
				if p.is("max") {
					p.pos++
					r.hi = maxFieldNumber
				} else if r.hi, err = p.fieldNumber(); err != nil {
					return err
				}
			}
			m.reserved = append(m.reserved, r)
		}
		if p.is(";") {
			p.pos++
			return nil
		}
		if err := p.expect(","); err != nil {
			return err
		}
	}
}

func (p *parser) service(prev *previous) error {
	p.pos++
	name, err := p.ident()
	if err != nil {
		return err
	}
	prev.comments["service "+name] = p.toks[p.pos-2].lead
	if err := p.expect("{"); err != nil {
		return err
	}
	for !p.is("}") {
		switch {
		case p.done():
			return p.errorf("unexpected end of file")
		case p.is(";"):
			p.pos++
		case p.is("rpc"):
			lead := p.next().lead
			method, err := p.ident()
			if err != nil {
				return err
			}
			prev.comments["rpc "+name+"."+method] = lead
			if err := p.skipMethod(); err != nil {
				return err
			}
		case p.is("option"):
			if err := p.skipStatement(); err != nil {
				return err
			}
		default:
			return p.errorf("unexpected %q in service %s", p.peek().text, name)
		}
	}
	p.pos++
	return nil
}

// skipMethod skips the rest of an rpc, which ends with ; or a {} body.
func (p *parser) skipMethod() error {
	for !p.done() {
		switch {
		case p.is(";"):
			p.pos++
			return nil
		case p.is("{"):
			return p.skipBlock()
		case p.is("}"):
			return p.errorf("unexpected %q", "}")
		}
		p.pos++
	}
	return p.errorf("unexpected end of file")
}
