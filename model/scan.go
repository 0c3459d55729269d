package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The parser reads a document through one of two token sources. The reference
// is jsontext's decoder (ParseReference), which checks the JSON as it goes and
// reports syntax errors with their JSON paths. The fast one reads the tokens
// scanDoc found: it is used only for a document that scanDoc has proved to be
// JSON the reference accepts (with Parse's options), written without escapes
// and nested at most maxScanDepth deep. On such a document both sources yield
// the same tokens at the same offsets, so the parser reports the same policy,
// errors and warnings; every other document goes to the reference. Reading
// through jsontext's tokens was about a sixth of eval's instructions on cases
// whose policies do not repeat (docs/performance.md "eval, seventh pass").
// fuzz/parse's check holds Parse to ParseReference on every input
// (TestParseAgrees, FuzzParse), TestScanDocAgreesWithJSONText scanDoc to
// jsontext.

// maxScanDepth bounds the nesting scan accepts: a policy nests 6 deep
// (policy, Statement list, statement, Condition, operator, value list).
const maxScanDepth = 32

// A scanTok is one token of a scanned document: where it starts and ends
// (just past it), its kind as the decoder's PeekKind names it, and for '{'
// and '[' the index of its closing token.
type scanTok struct {
	off, end, close int32
	kind            byte
}

// A scan is what scanDoc learnt of a document: its tokens in order, and whether
// it is all ASCII (then every string is in IAM's character set: JSON strings
// hold no raw control characters) and has no line break (then a position's
// column is its offset plus one).
type scan struct {
	b       []byte
	toks    []scanTok
	ascii   bool
	oneLine bool
}

var scans = sync.Pool{New: func() any { return new(scan) }}

// scanDoc reads data with the fast scanner: ok is false unless data is one
// JSON value, with nothing but white space around it, that jsontext accepts
// with duplicate names allowed, with no escape in any string, at most
// maxScanDepth levels of nesting and at most 1<<30 bytes. The scan is the
// caller's to put back in scans.
func scanDoc(data []byte) (s *scan, ok bool) {
	s = scans.Get().(*scan)
	s.b, s.toks, s.ascii, s.oneLine = data, s.toks[:0], true, true
	if len(data) >= 1<<30 {
		return s, false
	}
	i := s.value(s.ws(0), 0)
	return s, i >= 0 && s.ws(i) == len(data)
}

// release puts s back in scans, holding no document.
func (s *scan) release() {
	s.b = nil
	if cap(s.toks) > 4096 {
		s.toks = nil
	}
	scans.Put(s)
}

// ws returns the offset of the first byte at or after i that is not JSON
// white space; a negative i (a failure) stays as it is.
func (s *scan) ws(i int) int {
	b := s.b
	for i >= 0 && i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r':
		case '\n':
			s.oneLine = false
		default:
			return i
		}
		i++
	}
	return i
}

func (s *scan) tok(off, end int) int {
	k := s.b[off]
	if k == '-' || k >= '0' && k <= '9' {
		k = '0'
	}
	s.toks = append(s.toks, scanTok{off: int32(off), end: int32(end), kind: k})
	return end
}

// value checks the value at i and returns the offset just past it, or -1.
func (s *scan) value(i, depth int) int {
	b := s.b
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '{', '[':
		return s.container(i, depth)
	case '"':
		return s.tok(i, s.str(i))
	case 't':
		return s.tok(i, literalEnd(b, i, "true"))
	case 'f':
		return s.tok(i, literalEnd(b, i, "false"))
	case 'n':
		return s.tok(i, literalEnd(b, i, "null"))
	}
	return s.tok(i, numberEnd(b, i))
}

// container checks the object or list at i.
func (s *scan) container(i, depth int) int {
	b := s.b
	if depth >= maxScanDepth {
		return -1
	}
	open, close := len(s.toks), byte(']')
	if b[i] == '{' {
		close = '}'
	}
	s.tok(i, i+1)
	i = s.ws(i + 1)
	for n := 0; ; n++ {
		if i >= len(b) {
			return -1
		}
		if b[i] == close && n == 0 {
			break
		}
		if close == '}' {
			if b[i] != '"' {
				return -1
			}
			if i = s.ws(s.tok(i, s.str(i))); i < 0 || i >= len(b) || b[i] != ':' {
				return -1
			}
			i = s.ws(i + 1)
		}
		if i = s.ws(s.value(i, depth+1)); i < 0 || i >= len(b) {
			return -1
		}
		if b[i] == close {
			break
		}
		if b[i] != ',' {
			return -1
		}
		i = s.ws(i + 1)
	}
	s.toks[open].close = int32(len(s.toks))
	return s.tok(i, i+1)
}

func literalEnd(b []byte, i int, lit string) int {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit)
	}
	return -1
}

// Bytes of eight copies, for the string scan.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// str checks the string at i (its opening quote) and returns the offset past
// its closing quote, or -1 for an escape, a control character or invalid
// UTF-8. Eight bytes at a time while none is a quote, a backslash, a control
// character or non-ASCII (the usual test for a zero byte: x-ones & ^x & highs).
func (s *scan) str(i int) int {
	b := s.b
	j := i + 1
	for j+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[j:])
		q, bs := x^('"'*ones), x^('\\'*ones)
		// A byte's high bit is set at the first byte that stops the run
		// (and perhaps at later ones, through borrows).
		m := ((q-ones)&^q | (bs-ones)&^bs | (x - 0x20*ones) | x) & highs
		if m == 0 {
			j += 8
			continue
		}
		j += bits.TrailingZeros64(m) / 8
		if b[j] == '"' {
			return j + 1
		}
		break
	}
	for ; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c == '\\' || c < 0x20:
			return -1
		case c >= 0x80:
			s.ascii = false
			k := j
			for k < len(b) && b[k] != '"' {
				k++
			}
			if k == len(b) || !utf8.Valid(b[j:k]) || bytes.IndexByte(b[j:k], '\\') >= 0 || hasControl(b[j:k]) {
				return -1
			}
			return k + 1
		}
	}
	return -1
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// numberEnd returns the offset past the JSON number at i, or -1.
func numberEnd(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
		if plantedBug { // fuzz/planted: a leading zero is read as part of the number
			i = digitsEnd(b, i)
		}
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digitsEnd(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if j := digitsEnd(b, i+1); j > i+1 {
			i = j
		} else {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if j := digitsEnd(b, i); j > i {
			i = j
		} else {
			return -1
		}
	}
	return i
}

func digitsEnd(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// start returns the offset of the next token: the decoder's offset points just past
// the previous token, before any separator and white space.
func (p *parser) start() int64 {
	if p.fast {
		return p.fastStart()
	}
	o := p.dec.InputOffset()
	for o < int64(len(p.src)) {
		switch p.src[o] {
		case ' ', '\t', '\r', '\n', ',', ':':
			o++
			continue
		}
		break
	}
	return o
}

// offset is the offset just past the last token read.
func (p *parser) offset() int64 {
	if p.fast {
		return p.cur
	}
	return p.dec.InputOffset()
}

func (p *parser) syntax(err error) {
	if p.fatal {
		return
	}
	p.fatal = true
	off := int64(-1)
	path := ""
	msg := err.Error()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
		path = pointerToPath(string(se.JSONPointer))
		msg = se.Err.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "unexpected end of input (truncated document?)"
		off = int64(len(p.src))
	}
	if off >= 0 {
		at := PositionAt(p.src, off)
		msg = fmt.Sprintf("%s (line %d, column %d)", msg, at.Line, at.Column)
	}
	p.errf(path, off, ErrSyntax, "invalid JSON: %s", msg)
}

func (p *parser) read() (jsontext.Token, bool) {
	if p.fatal {
		return jsontext.Token{}, false
	}
	tok, err := p.dec.ReadToken()
	if err != nil {
		p.syntax(err)
		return tok, false
	}
	return tok, true
}

// next reads a token whose value is not needed: a delimiter.
func (p *parser) next() bool {
	if p.fast {
		if p.fatal {
			return false
		}
		p.fastNext()
		return !p.fatal
	}
	_, ok := p.read()
	return ok
}

// readString reads the string token that starts at off.
func (p *parser) readString(off int64) (string, bool) {
	if p.fast {
		if !p.next() {
			return "", false
		}
		return p.docText(off+1, p.cur-1), true
	}
	tok, ok := p.read()
	if !ok {
		return "", false
	}
	return p.text(tok, off), true
}

// readScalar reads the boolean or number token that starts at off and
// returns its text.
func (p *parser) readScalar(off int64) (string, bool) {
	if p.fast {
		if !p.next() {
			return "", false
		}
		return p.docText(off, p.cur), true
	}
	tok, ok := p.read()
	if !ok {
		return "", false
	}
	if k := tok.Kind(); k == 't' || k == 'f' {
		return strconv.FormatBool(tok.Bool()), true
	}
	return tok.String(), true
}

// docText is src[from:to] as a slice of one copy of the whole document.
func (p *parser) docText(from, to int64) string {
	if p.doc == "" {
		p.doc = string(p.src)
	}
	return p.doc[from:to]
}

// text returns the string of the string token just read, which started at off:
// a slice of one copy of the whole document (p.doc) when it has no escapes, so
// that a document's names and values cost one allocation, not one each
// (jsontext's Token.String allocated 13 % of eval's objects on cases whose
// policies do not repeat). A string with escapes is unquoted by the decoder.
func (p *parser) text(tok jsontext.Token, off int64) string {
	end := p.dec.InputOffset()
	if off >= 0 && end-off >= 2 && end <= int64(len(p.src)) && p.src[off] == '"' && p.src[end-1] == '"' &&
		bytes.IndexByte(p.src[off+1:end-1], '\\') < 0 {
		return p.docText(off+1, end-1)
	}
	return tok.String()
}

func (p *parser) skip() {
	if p.fatal {
		return
	}
	if p.fast {
		p.fastSkip()
		return
	}
	if err := p.dec.SkipValue(); err != nil {
		p.syntax(err)
	}
}

func (p *parser) peek() jsontext.Kind {
	if p.fatal {
		return 0
	}
	if p.fast {
		return jsontext.Kind(p.fastPeek())
	}
	k := p.dec.PeekKind()
	if k == 0 {
		// Surface the decoder's error through read.
		p.read()
	}
	return k
}

// The fast token source reads the tokens of p.scan: p.k is the next one, p.cur
// the offset just past the last one read, as the decoder's InputOffset is on
// the reference path.

// fastStart is the offset of the next token (len(src) past the last).
func (p *parser) fastStart() int64 {
	if p.k < len(p.scan.toks) {
		return int64(p.scan.toks[p.k].off)
	}
	return int64(len(p.src))
}

// fastNext reads the next token.
func (p *parser) fastNext() {
	if p.k >= len(p.scan.toks) {
		p.decline()
		return
	}
	p.cur = int64(p.scan.toks[p.k].end)
	p.k++
}

// fastSkip skips the next value.
func (p *parser) fastSkip() {
	if p.k >= len(p.scan.toks) {
		p.decline()
		return
	}
	if t := &p.scan.toks[p.k]; t.kind == '{' || t.kind == '[' {
		p.k = int(t.close)
	}
	p.fastNext()
}

// fastPeek is the kind of the next token, as the decoder's PeekKind names it.
func (p *parser) fastPeek() byte {
	if p.k >= len(p.scan.toks) {
		p.decline()
		return 0
	}
	return p.scan.toks[p.k].kind
}

// decline stops a fast parse that met something scanDoc should have ruled out
// (the parser reading past the document): Parse then parses the document again
// on the reference path.
func (p *parser) decline() {
	p.declined, p.fatal = true, true
}
