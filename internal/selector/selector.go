// Package selector implements Calico's label-selector language, so that selectors written in
// Terraform configuration fail at plan time instead of at apply time, and so that they can be
// evaluated against node labels.
//
// The language is
//
//	Expression := OrExpr
//	OrExpr     := AndExpr ( "||" AndExpr )*
//	AndExpr    := Unary ( "&&" Unary )*
//	Unary      := "!"* Primary
//	Primary    := "(" OrExpr ")" | "all()" | "global()" | "has(" label ")"
//	            | label ( "==" | "!=" | "contains" | "starts with" | "ends with" ) string
//	            | label ( "in" | "not in" ) "{" [ string ( "," string )* ] "}"
//
// where a label is 1 to 512 characters from [a-zA-Z0-9_./-], a string is delimited by double
// or single quotes with no escapes, and whitespace between tokens is spaces and tabs.
package selector

import (
	"fmt"
	"slices"
	"strings"
)

// maxLabelLen is the longest label key a selector may name.
const maxLabelLen = 512

// Selector is a parsed Calico selector.
type Selector interface {
	// Evaluate reports whether a set of labels matches.
	Evaluate(labels map[string]string) bool
	// String renders the selector in a normalised form that parses back to an equal selector.
	String() string
}

// ParseError reports why a selector does not parse and the byte offset where it went wrong.
type ParseError struct {
	// Offset is the byte offset in the selector at which the problem was found.
	Offset int
	// Msg says what was expected.
	Msg string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset)
}

// Parse parses a selector expression. Errors are *ParseError.
func Parse(s string) (Selector, error) {
	p := &parser{s: s}
	p.skipSpace()
	if p.pos == len(s) {
		return nil, &ParseError{Offset: 0, Msg: "empty selector"}
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(s) {
		return nil, p.errorf("expected &&, || or end of selector")
	}
	return n, nil
}

// Validate is Parse without keeping the result.
func Validate(s string) error {
	_, err := Parse(s)
	return err
}

// ValidLabel reports whether s is a valid label key in a selector.
func ValidLabel(s string) bool {
	if len(s) == 0 || len(s) > maxLabelLen {
		return false
	}
	for i := range len(s) {
		if !isLabelChar(s[i]) {
			return false
		}
	}
	return true
}

func isLabelChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '/' || c == '-'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// parser is a recursive-descent parser over the selector's bytes.
type parser struct {
	s   string
	pos int
}

func (p *parser) errorf(format string, args ...any) *ParseError {
	return &ParseError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// consume advances past tok if the input continues with it.
func (p *parser) consume(tok string) bool {
	if strings.HasPrefix(p.s[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

// keyword advances past words, separated by optional spaces or tabs, if the input continues
// with them and they end at a word boundary (the next byte is not a label character).
func (p *parser) keyword(words ...string) bool {
	i := p.pos
	for j, w := range words {
		if j > 0 {
			for i < len(p.s) && isSpace(p.s[i]) {
				i++
			}
		}
		if !strings.HasPrefix(p.s[i:], w) {
			return false
		}
		i += len(w)
	}
	if i < len(p.s) && isLabelChar(p.s[i]) {
		return false
	}
	p.pos = i
	return true
}

func (p *parser) parseOr() (node, error) {
	var terms []node
	for {
		n, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
		p.skipSpace()
		if p.consume("||") {
			continue
		}
		if p.peek() == '|' {
			return nil, p.errorf("expected || but found a single |")
		}
		return makeOr(terms), nil
	}
}

func (p *parser) parseAnd() (node, error) {
	var terms []node
	for {
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, n)
		p.skipSpace()
		if p.consume("&&") {
			continue
		}
		if p.peek() == '&' {
			return nil, p.errorf("expected && but found a single &")
		}
		return makeAnd(terms), nil
	}
}

func (p *parser) parseUnary() (node, error) {
	negations := 0
	for p.skipSpace(); p.peek() == '!'; p.skipSpace() {
		p.pos++
		negations++
	}
	n, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for range negations {
		n = notNode{n}
	}
	return n, nil
}

func (p *parser) parsePrimary() (node, error) {
	p.skipSpace()
	switch {
	case p.consume("("):
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if err := p.expectClose("expression"); err != nil {
			return nil, err
		}
		return n, nil
	case p.consume("all("):
		return allNode{}, p.expectClose("all(")
	case p.consume("global("):
		return globalNode{}, p.expectClose("global(")
	case p.consume("has("):
		p.skipSpace()
		label, err := p.parseLabel("has(")
		if err != nil {
			return nil, err
		}
		return hasNode{label}, p.expectClose("label in has(")
	}
	label, err := p.parseLabel("")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	var op cmpOp
	switch {
	case p.consume("=="):
		op = opEq
	case p.consume("!="):
		op = opNe
	case p.peek() == '=':
		return nil, p.errorf("expected == but found a single =")
	case p.keyword("contains"):
		op = opContains
	case p.keyword("starts", "with"):
		op = opStartsWith
	case p.keyword("ends", "with"):
		op = opEndsWith
	case p.keyword("in"):
		return p.parseSet(label, false)
	case p.keyword("not", "in"):
		return p.parseSet(label, true)
	default:
		return nil, p.errorf("expected ==, !=, in, not in, contains, starts with or ends with after label %s", label)
	}
	value, err := p.parseString("after " + op.String())
	if err != nil {
		return nil, err
	}
	return cmpNode{label: label, op: op, value: value}, nil
}

// expectClose skips spaces and consumes the ")" that must follow what.
func (p *parser) expectClose(what string) error {
	p.skipSpace()
	if !p.consume(")") {
		return p.errorf("expected ) after %s", what)
	}
	return nil
}

// parseLabel consumes a label key; after names what precedes it, for error messages.
func (p *parser) parseLabel(after string) (string, error) {
	start := p.pos
	for p.pos < len(p.s) && isLabelChar(p.s[p.pos]) {
		p.pos++
	}
	switch {
	case p.pos == start && after != "":
		return "", p.errorf("expected a label after %s", after)
	case p.pos == start:
		return "", p.errorf("expected a label, (, !, all(), global() or has()")
	case p.pos-start > maxLabelLen:
		return "", &ParseError{Offset: start, Msg: fmt.Sprintf("label is longer than %d characters", maxLabelLen)}
	}
	return p.s[start:p.pos], nil
}

// parseString skips spaces and consumes a quoted string; where is used in error messages.
func (p *parser) parseString(where string) (string, error) {
	p.skipSpace()
	q := p.peek()
	if q != '"' && q != '\'' {
		return "", p.errorf("expected a quoted string %s", where)
	}
	end := strings.IndexByte(p.s[p.pos+1:], q)
	if end < 0 {
		return "", p.errorf("unterminated string")
	}
	value := p.s[p.pos+1 : p.pos+1+end]
	p.pos += end + 2
	return value, nil
}

// parseSet parses the "{ ... }" after in or not in.
func (p *parser) parseSet(label string, negated bool) (node, error) {
	op := "in"
	if negated {
		op = "not in"
	}
	p.skipSpace()
	if !p.consume("{") {
		return nil, p.errorf("expected { after %s", op)
	}
	var values []string
	p.skipSpace()
	if !p.consume("}") {
		for {
			v, err := p.parseString("in set")
			if err != nil {
				return nil, err
			}
			values = append(values, v)
			p.skipSpace()
			if p.consume("}") {
				break
			}
			if !p.consume(",") {
				return nil, p.errorf("expected , or } in set")
			}
		}
	}
	slices.Sort(values)
	return setNode{label: label, negated: negated, values: slices.Compact(values)}, nil
}

// node is a parsed selector (sub)expression.
type node interface {
	Selector
	write(b *strings.Builder)
}

func render(n node) string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

// quote renders a string literal; a literal never holds both quote characters.
func quote(v string) string {
	if strings.Contains(v, `"`) {
		return "'" + v + "'"
	}
	return `"` + v + `"`
}

type allNode struct{}

func (allNode) Evaluate(map[string]string) bool { return true }
func (n allNode) String() string                { return render(n) }
func (allNode) write(b *strings.Builder)        { b.WriteString("all()") }

// globalNode matches everything: the objects this project evaluates are not namespaced.
type globalNode struct{}

func (globalNode) Evaluate(map[string]string) bool { return true }
func (n globalNode) String() string                { return render(n) }
func (globalNode) write(b *strings.Builder)        { b.WriteString("global()") }

type hasNode struct{ label string }

func (n hasNode) Evaluate(labels map[string]string) bool {
	_, ok := labels[n.label]
	return ok
}
func (n hasNode) String() string { return render(n) }
func (n hasNode) write(b *strings.Builder) {
	b.WriteString("has(" + n.label + ")")
}

type cmpOp int

const (
	opEq cmpOp = iota
	opNe
	opContains
	opStartsWith
	opEndsWith
)

func (o cmpOp) String() string {
	return [...]string{"==", "!=", "contains", "starts with", "ends with"}[o]
}

// cmpNode compares a label's value with a string.
type cmpNode struct {
	label string
	op    cmpOp
	value string
}

func (n cmpNode) Evaluate(labels map[string]string) bool {
	v, ok := labels[n.label]
	switch n.op {
	case opEq:
		return ok && v == n.value
	case opNe:
		return !ok || v != n.value
	case opContains:
		return ok && strings.Contains(v, n.value)
	case opStartsWith:
		return ok && strings.HasPrefix(v, n.value)
	default:
		return ok && strings.HasSuffix(v, n.value)
	}
}
func (n cmpNode) String() string { return render(n) }
func (n cmpNode) write(b *strings.Builder) {
	b.WriteString(n.label + " " + n.op.String() + " " + quote(n.value))
}

// setNode is label in {…} or, when negated, label not in {…}; values are sorted and unique.
type setNode struct {
	label   string
	negated bool
	values  []string
}

func (n setNode) Evaluate(labels map[string]string) bool {
	v, ok := labels[n.label]
	if !ok {
		return n.negated
	}
	_, found := slices.BinarySearch(n.values, v)
	return found != n.negated
}
func (n setNode) String() string { return render(n) }
func (n setNode) write(b *strings.Builder) {
	b.WriteString(n.label)
	if n.negated {
		b.WriteString(" not")
	}
	b.WriteString(" in {")
	for i, v := range n.values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(v))
	}
	b.WriteString("}")
}

type notNode struct{ x node }

func (n notNode) Evaluate(labels map[string]string) bool { return !n.x.Evaluate(labels) }
func (n notNode) String() string                         { return render(n) }
func (n notNode) write(b *strings.Builder) {
	b.WriteString("!")
	switch n.x.(type) {
	case allNode, globalNode, hasNode, notNode:
		n.x.write(b)
	default:
		// Comparisons are parenthesised too, for readability: !(a == "x"), not !a == "x".
		b.WriteString("(")
		n.x.write(b)
		b.WriteString(")")
	}
}

// andNode is a conjunction of at least two terms, none of which is itself an andNode.
type andNode struct{ terms []node }

// makeAnd builds a conjunction, flattening nested conjunctions (&& is associative).
func makeAnd(terms []node) node {
	if len(terms) == 1 {
		return terms[0]
	}
	var flat []node
	for _, t := range terms {
		if a, ok := t.(andNode); ok {
			flat = append(flat, a.terms...)
		} else {
			flat = append(flat, t)
		}
	}
	return andNode{flat}
}

func (n andNode) Evaluate(labels map[string]string) bool {
	for _, t := range n.terms {
		if !t.Evaluate(labels) {
			return false
		}
	}
	return true
}
func (n andNode) String() string { return render(n) }
func (n andNode) write(b *strings.Builder) {
	for i, t := range n.terms {
		if i > 0 {
			b.WriteString(" && ")
		}
		if _, ok := t.(orNode); ok {
			b.WriteString("(")
			t.write(b)
			b.WriteString(")")
		} else {
			t.write(b)
		}
	}
}

// orNode is a disjunction of at least two terms, none of which is itself an orNode.
type orNode struct{ terms []node }

// makeOr builds a disjunction, flattening nested disjunctions (|| is associative).
func makeOr(terms []node) node {
	if len(terms) == 1 {
		return terms[0]
	}
	var flat []node
	for _, t := range terms {
		if o, ok := t.(orNode); ok {
			flat = append(flat, o.terms...)
		} else {
			flat = append(flat, t)
		}
	}
	return orNode{flat}
}

func (n orNode) Evaluate(labels map[string]string) bool {
	for _, t := range n.terms {
		if t.Evaluate(labels) {
			return true
		}
	}
	return false
}
func (n orNode) String() string { return render(n) }
func (n orNode) write(b *strings.Builder) {
	for i, t := range n.terms {
		if i > 0 {
			b.WriteString(" || ")
		}
		t.write(b) // never an orNode, and everything else binds more tightly
	}
}
