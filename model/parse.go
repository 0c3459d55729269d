package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxPolicySize bounds the size of one policy document. IAM's own limits are far
// lower (6,144 characters for a managed policy, 131,072 for the simulator); this only
// keeps hostile input from exhausting memory.
const MaxPolicySize = 32 << 20

// maxErrors bounds the errors reported for one document; a 100,000-statement
// document with the same defect everywhere must not produce a 100,000-line report.
const maxErrors = 100

// Parse parses and validates a policy document that will be used as the given type
// of policy. It reports every defect it finds, each with its JSON path, as an
// ErrorList; a document with any error is not returned. Warnings are kept on the
// returned Policy.
func Parse(data []byte, typ PolicyType) (*Policy, error) { return parse(data, typ, nil) }

// parse is Parse with a memo of resources that validate cleanly (nil for none).
func parse(data []byte, typ PolicyType, clean *cleanMemo) (*Policy, error) {
	if len(data) > MaxPolicySize {
		return nil, ErrorList{{Offset: -1, Kind: ErrTooLarge,
			Msg: fmt.Sprintf("document is %d bytes; the limit is %d", len(data), MaxPolicySize)}}
	}
	sc, ok := scanDoc(data)
	if ok {
		p := &parser{src: data, pos: positionCursor{text: data, line: 1, col: 1}, fast: true, scan: sc, clean: clean}
		pol, err := p.parse(typ)
		if !p.declined {
			sc.release()
			return pol, err
		}
	}
	sc.release()
	return ParseReference(data, typ)
}

// ParseReference is Parse reading the document through jsontext's decoder
// only, never the fast token source (scan.go): the reference that fuzz/parse
// holds Parse to.
func ParseReference(data []byte, typ PolicyType) (*Policy, error) {
	if len(data) > MaxPolicySize {
		return Parse(data, typ)
	}
	// A bytes.Buffer is read in place; a bytes.Reader was copied into the
	// decoder's own growing buffer (about 6 % of the bytes eval allocated on
	// cases whose policies do not repeat). The decoder and its state stacks
	// are reused from one document to the next (a new one was another 2.4 %).
	box := decoders.Get().(*decoderBox)
	defer box.release()
	box.src = *bytes.NewBuffer(data)
	box.dec.Reset(&box.src, jsontext.AllowDuplicateNames(true))
	p := &parser{
		src: data,
		pos: positionCursor{text: data, line: 1, col: 1},
		dec: &box.dec,
	}
	return p.parse(typ)
}

// parse reads, validates and returns the policy.
func (p *parser) parse(typ PolicyType) (*Policy, error) {
	// The policy keeps nothing of data: its strings are slices of one copy
	// (parser.text) and its positions are computed while parsing, so callers
	// may reuse data (eval's lines) without copying it first.
	pol := &Policy{Type: typ}
	p.parsePolicy(pol)
	if !p.fatal {
		p.validate(pol, typ)
	}
	if p.dropped > 0 {
		p.errs = append(p.errs, &PolicyError{Offset: -1, Kind: p.errs[len(p.errs)-1].Kind,
			Msg: fmt.Sprintf("%d more errors not shown", p.dropped)})
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	pol.Warnings, pol.warnsDropped = capWarnings(p.warns, p.warnsDropped), p.warnsDropped
	return pol, nil
}

// decoderBox is a document's JSON decoder with the buffer it reads, kept in
// decoders between documents.
type decoderBox struct {
	src bytes.Buffer
	dec jsontext.Decoder
}

var decoders = sync.Pool{New: func() any { return new(decoderBox) }}

// release returns the box to the pool, holding no document: its decoder reads
// an empty buffer until the next Reset.
func (b *decoderBox) release() {
	b.src = bytes.Buffer{}
	b.dec.Reset(&b.src)
	decoders.Put(b)
}

// MaxWarnings bounds the warnings kept for one policy; the rest are counted in
// a last warning with code "warnings-truncated" (50,000 unknown actions made a
// 5 MB result line).
const MaxWarnings = 100

// capWarnings appends the count of the warnings dropped past MaxWarnings.
func capWarnings(ws []Warning, dropped int) []Warning {
	if dropped > 0 {
		ws = append(ws, Warning{Offset: -1, Code: "warnings-truncated", Msg: fmt.Sprintf("%d more warnings not shown", dropped)})
	}
	return ws
}

type parser struct {
	dec      *jsontext.Decoder // the reference token source; nil when fast
	fast     bool              // the fast token source (scan.go) reads src
	cur      int64             // fast: the offset just past the last token read
	scan     *scan             // fast: the document's tokens
	k        int               // fast: the next token
	declined bool              // fast: src was not what scanDoc promised
	src      []byte
	doc      string         // the document as a string, made on first use (text)
	pos      positionCursor // where statement spans are computed
	errs     ErrorList
	warns    []Warning
	dropped  int
	fatal    bool // a syntax error: the token stream cannot be trusted any more
	steps    int  // key comparisons, for the tests that bound them

	warnsDropped int

	// Blocks the document's lists are carved from (carve, newList).
	strs  []string
	vals  []Value
	lists []StringList

	clean *cleanMemo // resources known to validate cleanly; nil for none
}

func (p *parser) errf(path string, off int64, kind *Kind, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, &PolicyError{Path: path, Offset: off, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// warn is warnf with the message written by the caller: the frequent warnings
// quote their value with strconv.Quote (what %q prints) instead of a Sprintf,
// ≈ 2 % of eval's instructions on d2k (docs/performance.md "eval, sixth pass").
func (p *parser) warn(path string, off int64, code, msg string) {
	if len(p.warns) >= MaxWarnings {
		p.warnsDropped++
		return
	}
	p.warns = append(p.warns, Warning{Path: path, Offset: off, Code: code, Msg: msg})
}

func (p *parser) warnf(path string, off int64, code, format string, args ...any) {
	if len(p.warns) >= MaxWarnings {
		p.warnsDropped++
		return
	}
	p.warns = append(p.warns, Warning{Path: path, Offset: off, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// str reads a string value at path, checking the characters IAM accepts.
func (p *parser) str(path string) (string, int64, bool) {
	return p.strAt(at{path: path}, -1)
}

// at is the path path.a.b of its first n names (a and b may be "", as member
// names may): the paths of values are built only for an error, so parsing a
// valid document builds no path strings.
type at struct {
	path, a, b string
	n          int
}

func (w at) String() string {
	s := w.path
	if w.n >= 1 {
		s = join(s, w.a)
	}
	if w.n >= 2 {
		s = join(s, w.b)
	}
	return s
}

// strAt reads a string value at w[i] (at w when i < 0).
func (p *parser) strAt(w at, i int) (string, int64, bool) {
	off := p.start()
	if k := p.peek(); k != '"' {
		if k != 0 {
			p.errf(index(w.String(), i), off, ErrInvalidType, "must be a string, not %s", kindName(k))
			p.skip()
		}
		return "", off, false
	}
	s, ok := p.readString(off)
	if !ok {
		return "", off, false
	}
	if !p.ascii() && !iamChars(s) {
		p.badChars(index(w.String(), i), off, s)
	}
	return s, off, true
}

// index is the path of element i of path, or path itself when i < 0.
func index(path string, i int) string {
	if i < 0 {
		return path
	}
	return path + "[" + strconv.Itoa(i) + "]"
}

// iamChars reports whether s uses only IAM's character set for policy documents:
// TAB, LF, CR and U+0020–U+00FF (docs/semantics.md §1.1 rule 11).
func iamChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x80 {
			return iamCharsSlow(s)
		}
	}
	return true
}

func iamCharsSlow(s string) bool {
	for _, r := range s {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			return false
		}
	}
	return true
}

func (p *parser) badChars(path string, off int64, s string) {
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF) {
			continue
		}
		p.errf(path, off, ErrInvalidCharacter, "character %U is outside what IAM accepts (TAB, LF, CR, U+0020–U+00FF)", r)
		return
	}
}

// object iterates the members of an object at path, calling fn for each
// distinct member name. Duplicates are reported and skipped.
func (p *parser) object(path string, fn func(name string, keyOff int64)) bool {
	return p.objectIn(at{path: path}, fn)
}

// objectIn is object at w, a path built only for an error.
func (p *parser) objectIn(w at, fn func(name string, keyOff int64)) bool {
	off := p.start()
	if k := p.peek(); k != '{' {
		if k != 0 {
			p.errf(w.String(), off, ErrInvalidType, "must be a JSON object, not %s", kindName(k))
			p.skip()
		}
		return false
	}
	p.next()
	// Duplicate keys: a scan for the few keys of ordinary objects, a set past
	// them, so a Condition block with thousands of keys is not quadratic.
	var seenBuf [16]string // on the stack: most objects have a few keys
	seen := seenBuf[:0]
	var seenSet map[string]struct{}
	for !p.fatal && p.peek() != '}' {
		keyOff := p.start()
		name, ok := p.readString(keyOff)
		if !ok {
			return false
		}
		if !p.ascii() && !iamChars(name) {
			p.badChars(join(w.String(), name), keyOff, name)
		}
		dup := false
		if seenSet != nil {
			_, dup = seenSet[name]
		} else {
			for _, s := range seen {
				p.steps++
				if s == name {
					dup = true
					break
				}
			}
		}
		if dup {
			p.errf(join(w.String(), name), keyOff, ErrDuplicateKey, "duplicate key %q", name)
			p.skip()
			continue
		}
		if seenSet != nil {
			seenSet[name] = struct{}{}
		} else if seen = append(seen, name); len(seen) > 16 {
			seenSet = make(map[string]struct{}, 2*len(seen))
			for _, s := range seen {
				seenSet[s] = struct{}{}
			}
		}
		fn(name, keyOff)
	}
	if p.fatal {
		return false
	}
	p.next()
	return true
}

func (p *parser) parsePolicy(pol *Policy) {
	off := p.start()
	if k := p.peek(); k != '{' {
		if k != 0 {
			p.errf("", off, ErrInvalidType, "a policy document must be a JSON object, not %s", kindName(k))
		}
		return
	}
	var keyBuf [4]string
	keys := keyBuf[:0]
	p.object("", func(name string, keyOff int64) {
		keys = append(keys, name)
		switch name {
		case "Version":
			if v, _, ok := p.str("Version"); ok {
				pol.Version, pol.HasVersion = v, true
			}
		case "Id":
			if v, _, ok := p.str("Id"); ok {
				pol.ID, pol.HasID = v, true
			}
		case "Statement":
			p.parseStatements(pol)
		default:
			p.errf(name, keyOff, ErrInvalidElement, "unknown policy element %q%s", name, hint(name, "Version", "Id", "Statement"))
			p.skip()
		}
	})
	pol.keys = gathered(keys)
	if p.fatal {
		return
	}
	// Anything after the document is an error, not something to ignore
	// (scanDoc has checked that for the fast token source).
	if p.fast {
		return
	}
	if _, err := p.dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = &jsontext.SyntacticError{ByteOffset: p.dec.InputOffset(), Err: errors.New("unexpected data after the policy document")}
		}
		p.syntax(err)
	}
}

func (p *parser) parseStatements(pol *Policy) {
	off := p.start()
	switch p.peek() {
	case '{':
		pol.StatementSingle = true
		st := p.parseStatement("Statement", 0)
		st.Span = p.span(off)
		pol.Statements = append(pol.Statements, st)
	case '[':
		p.next()
		var buf [8]Statement
		stmts := buf[:0]
		for i := 0; !p.fatal && p.peek() != ']'; i++ {
			soff := p.start()
			k := i + 1
			if k >= len(statementPaths) {
				k = -1
			}
			st := p.parseStatement(listStatementPath(i), k)
			st.Span = p.span(soff)
			stmts = append(stmts, st)
		}
		pol.Statements = append(pol.Statements, stmts...)
		p.next()
		if len(pol.Statements) == 0 && !p.fatal {
			p.errf("Statement", off, ErrMissingStatement, "the Statement list is empty")
		}
	case 0:
	default:
		p.errf("Statement", off, ErrInvalidType, "must be an object or a list of objects, not %s", kindName(p.peek()))
		p.skip()
	}
}

// span records where the statement just read lies: from its opening brace at open
// to the closing brace the decoder has just passed. Statements come in document
// order, so one cursor walks the document once. A statement that is not an object
// gets its start only.
func (p *parser) span(open int64) Span {
	if open < 0 || open >= int64(len(p.src)) {
		return Span{}
	}
	s := Span{Start: p.position(open)}
	if end := p.offset() - 1; p.src[open] == '{' && end > open && end < int64(len(p.src)) && p.src[end] == '}' {
		s.End = p.position(end)
	}
	return s
}

// position is the position of offset off, read off directly in a document
// the fast scanner found to be one line of ASCII.
func (p *parser) position(off int64) Position {
	if p.fast && p.scan.ascii && p.scan.oneLine {
		return Position{Offset: off, Line: 1, Column: int(off) + 1}
	}
	return p.pos.at(off)
}

// ascii reports that every string of the document is ASCII (the fast scanner
// found it so), hence in IAM's character set.
func (p *parser) ascii() bool { return p.fast && p.scan.ascii }

// statementElements are the elements a statement may have.
var statementElements = [...]string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// statementPaths are the paths of a single statement (0) and of the first
// statements of a list (k is Statement[k-1]), with those of their elements,
// written once: building them per statement and element was a tenth of the
// objects eval allocated on cases whose policies do not repeat.
var statementPaths = func() (t [65]struct {
	self  string
	elems [len(statementElements)]string
}) {
	for k := range t {
		t[k].self = "Statement"
		if k > 0 {
			t[k].self = "Statement[" + strconv.Itoa(k-1) + "]"
		}
		for j, e := range statementElements {
			t[k].elems[j] = t[k].self + "." + e
		}
	}
	return t
}()

// parseStatement reads the statement at path; k is its entry in
// statementPaths, or -1.
func (p *parser) parseStatement(path string, k int) Statement {
	var st Statement
	var keyBuf [len(statementElements)]string
	keys := keyBuf[:0]
	p.object(path, func(name string, keyOff int64) {
		keys = append(keys, name)
		ep := ""
		if k >= 0 {
			for j, e := range statementElements {
				if e == name {
					ep = statementPaths[k].elems[j]
					break
				}
			}
		}
		if ep == "" {
			ep = join(path, name)
		}
		switch name {
		case "Sid":
			if v, _, ok := p.str(ep); ok {
				st.Sid, st.HasSid = v, true
			}
		case "Effect":
			st.HasEffect = true // present even when not a string: not "missing"
			if v, _, ok := p.str(ep); ok {
				st.Effect = v
			}
		case "Action":
			st.Action = p.stringList(ep)
		case "NotAction":
			st.NotAction = p.stringList(ep)
		case "Resource":
			st.Resource = p.stringList(ep)
		case "NotResource":
			st.NotResource = p.stringList(ep)
		case "Principal":
			st.Principal = p.principal(ep)
		case "NotPrincipal":
			st.NotPrincipal = p.principal(ep)
		case "Condition":
			st.HasCondition = true
			st.Condition = p.condition(ep)
		default:
			p.errf(ep, keyOff, ErrInvalidElement, "unknown statement element %q%s", name,
				hint(name, "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"))
			p.skip()
		}
	})
	st.keys = gathered(keys)
	return st
}

// gathered returns buf's elements in a slice of their own, nil when there are
// none. Lists are gathered in a buffer on the stack and copied out once: grown
// by appending, a statement's keys, a list's strings and a condition's values
// were a quarter of the objects eval allocated on policies that do not repeat.
func gathered[T any](buf []T) []T {
	if len(buf) == 0 {
		return nil
	}
	return append(make([]T, 0, len(buf)), buf...)
}

// carve returns a copy of buf (nil when empty) carved from the end of slab,
// which is replaced by a new block when it has no room: a document's string
// lists and condition values share a few blocks instead of a slice each (a
// fifth of the objects eval allocated on policies that do not repeat; the
// blocks belong to the one policy that refers to them). The copy is a full
// slice expression, so appending to it cannot run into the next one.
func carve[T any](slab *[]T, buf []T) []T {
	if len(buf) == 0 {
		return nil
	}
	s := *slab
	if cap(s)-len(s) < len(buf) {
		s = make([]T, 0, max(len(buf), min(2*cap(s), maxSlab), minSlab))
	}
	n := len(s)
	s = append(s, buf...)
	*slab = s
	return s[n:len(s):len(s)]
}

// The blocks carve and newList make: the first of minSlab elements, each next
// one twice the last up to maxSlab, so that at most about half of the last
// block of a document is unused.
const (
	minSlab = 8
	maxSlab = 64
)

// newList returns a new StringList carved from the document's block of them.
func (p *parser) newList() *StringList {
	if len(p.lists) == cap(p.lists) {
		p.lists = make([]StringList, 0, max(min(2*cap(p.lists), maxSlab), minSlab/2))
	}
	p.lists = p.lists[:len(p.lists)+1]
	return &p.lists[len(p.lists)-1]
}

// stringList reads a string or a list of strings. It returns a non-nil list even for
// invalid input so that "present but wrong" is not reported again as "missing".
func (p *parser) stringList(path string) *StringList {
	off := p.start()
	l := p.newList()
	switch p.peek() {
	case '"':
		s, _, _ := p.str(path)
		l.Values, l.Single = carve(&p.strs, []string{s}), true
	case '[':
		p.next()
		var buf [16]string
		vals := buf[:0]
		for i := 0; !p.fatal && p.peek() != ']'; i++ {
			if s, _, ok := p.strAt(at{path: path}, i); ok {
				vals = append(vals, s)
			}
		}
		l.Values = carve(&p.strs, vals)
		p.next()
	case 0:
	default:
		p.errf(path, off, ErrInvalidType, "must be a string or a list of strings, not %s", kindName(p.peek()))
		p.skip()
		l.invalid = true
	}
	return l
}

func (p *parser) principal(path string) *PrincipalBlock {
	off := p.start()
	b := &PrincipalBlock{}
	switch p.peek() {
	case '"':
		s, _, _ := p.str(path)
		if s != "*" {
			p.errf(path, off, ErrInvalidPrincipal, "a principal given as a string must be \"*\", not %q", s)
		}
		b.Wildcard = true
	case '{':
		p.object(path, func(name string, keyOff int64) {
			ep := join(path, name)
			switch name {
			case "AWS", "Federated", "Service", "CanonicalUser":
			default:
				p.errf(ep, keyOff, ErrInvalidPrincipal, "unknown principal type %q (AWS, Federated, Service, CanonicalUser)", name)
			}
			b.Entries = append(b.Entries, PrincipalEntry{Type: name, Values: *p.stringList(ep)})
		})
	case 0:
	default:
		p.errf(path, off, ErrInvalidType, "must be \"*\" or an object, not %s", kindName(p.peek()))
		p.skip()
	}
	return b
}

func (p *parser) condition(path string) []ConditionOperator {
	var opBuf [4]ConditionOperator
	ops := opBuf[:0]
	p.object(path, func(op string, keyOff int64) {
		co := ConditionOperator{Operator: op}
		var keyBuf [4]ConditionKey
		keys := keyBuf[:0]
		p.objectIn(at{path: path, a: op, n: 1}, func(key string, koff int64) {
			ck := ConditionKey{Key: key}
			switch p.peek() {
			case '[':
				p.next()
				var buf [8]Value
				vals := buf[:0]
				for i := 0; !p.fatal && p.peek() != ']'; i++ {
					if v, ok := p.scalarAt(at{path, op, key, 2}, i); ok {
						vals = append(vals, v)
					}
				}
				ck.Values = carve(&p.vals, vals)
				if ck.Values == nil {
					ck.Values = []Value{} // written back as [], not left out
				}
				p.next()
			case 0:
			default:
				if v, ok := p.scalarAt(at{path, op, key, 2}, -1); ok {
					ck.Values, ck.Single = carve(&p.vals, []Value{v}), true
				}
			}
			keys = append(keys, ck)
		})
		co.Keys = gathered(keys)
		ops = append(ops, co)
	})
	if len(ops) == 0 {
		return []ConditionOperator{} // present: "Condition": {}
	}
	return gathered(ops)
}

// scalarAt reads a condition value at w[i] (see strAt): a string, a boolean or
// a number. IAM reads unquoted booleans and numbers as their text
// (docs/semantics.md §1.1 rule 4).
func (p *parser) scalarAt(w at, i int) (Value, bool) {
	off := p.start()
	switch k := p.peek(); k {
	case '"':
		s, _, ok := p.strAt(w, i)
		return Value{Text: s}, ok
	case 't', 'f':
		s, ok := p.readScalar(off)
		if !ok { // a truncated literal: the syntax error is already reported
			return Value{}, false
		}
		return Value{Text: s, Kind: KindBool}, true
	case '0':
		s, ok := p.readScalar(off)
		if !ok {
			return Value{}, false
		}
		return Value{Text: s, Kind: KindNumber}, true
	case 0:
		return Value{}, false
	default:
		p.errf(index(w.String(), i), off, ErrInvalidType, "a condition value must be a string, number or boolean, not %s", kindName(k))
		p.skip()
		return Value{}, false
	}
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// hint suggests the element the user probably meant when only case differs.
func hint(name string, known ...string) string {
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return fmt.Sprintf(" (element names are case-sensitive: did you mean %q?)", k)
		}
	}
	return ""
}

// pointerToPath turns a JSON pointer (/Statement/0/Effect) into the path notation
// used in messages (Statement[0].Effect).
func pointerToPath(ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
