package model

import (
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// A compiled pattern is a sequence of code units: 0–255 are literal bytes, the
// values below are wildcards, and cVar+i refers to the pattern's i-th variable.
// Substituted variable values and the special variables ${*} ${?} ${$} become
// literal bytes, so they never act as wildcards (docs/semantics.md §6).
const (
	cStarAny uint16 = 0x100 + iota // * that may match any run, ':' included
	cStarSeg                       // * that stops at ':' (inside the first five ARN segments)
	cOneAny                        // ? matching any one character
	cOneSeg                        // ? matching one character other than ':'
	cVar     uint16 = 0x200
)

// patternKind selects how wildcards in the pattern text are read.
type patternKind uint8

const (
	patLiteral  patternKind = iota // no wildcards (StringEquals and friends)
	patGlob                        // * and ? anywhere (StringLike, ArnLike parts)
	patResource                    // ARN rules of docs/semantics.md §4.2
	patAction                      // case-insensitive glob
)

type varRef struct {
	key    string // lower-cased, for lookups
	text   string // as written, for reports
	def    string
	hasDef bool
}

type pattern struct {
	text    string
	codes   []uint16
	vars    []varRef
	all     bool   // the resource pattern "*": matches everything, "*" included
	literal bool   // no wildcard and no variable: compare lit directly
	lit     string // the pattern text when literal
	simple  bool   // only cStarAny/cOneAny: the greedy matcher is exact
	undef   Undef  // raised whenever this pattern is evaluated
}

// compilePattern compiles text. With vars set, ${…} are policy variables; otherwise
// (policies without Version 2012-10-17) they are literal text, in which '*' and '?'
// still act as wildcards (docs/semantics.md §1.2).
func compilePattern(text string, kind patternKind, vars bool) pattern {
	p := pattern{text: text, simple: true}
	if kind == patResource && text == "*" {
		p.all = true
		return p
	}
	seg, last := 0, false // ARN segment index; whether this '*' ends its segment
	emitWild := func(c byte, i int) {
		switch {
		case kind == patLiteral:
			p.codes = append(p.codes, uint16(c))
		case kind == patResource && seg < 5:
			last = i+1 >= len(text) || text[i+1] == ':'
			if c == '*' && last {
				p.codes = append(p.codes, cStarAny)
			} else if c == '*' {
				p.codes = append(p.codes, cStarSeg)
				p.simple = false
				p.undef |= UndefWildcardInARNPrefix
			} else {
				p.codes = append(p.codes, cOneSeg)
				p.simple = false
				p.undef |= UndefWildcardInARNPrefix
			}
		case c == '*':
			p.codes = append(p.codes, cStarAny)
		default:
			p.codes = append(p.codes, cOneAny)
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '$' && vars && i+1 < len(text) && text[i+1] == '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 { // validation rejects this; keep the text literal
				p.codes = append(p.codes, uint16(c))
				continue
			}
			body := text[i+2 : i+end]
			switch body {
			case "*", "?", "$":
				p.codes = append(p.codes, uint16(body[0]))
			default:
				if kind == patResource && seg < 5 {
					p.undef |= UndefVariableInARNPrefix
				}
				v := parseVarBody(body)
				p.codes = append(p.codes, cVar+uint16(len(p.vars)))
				p.vars = append(p.vars, v)
			}
			i += end
		case c == '*' || c == '?':
			emitWild(c, i)
		case c == ':':
			seg++
			p.codes = append(p.codes, uint16(c))
		default:
			if kind == patAction {
				c = lowerASCII(c)
			}
			p.codes = append(p.codes, uint16(c))
		}
	}
	if len(p.vars) == 0 {
		p.literal = true
		for _, c := range p.codes {
			if c > 0xFF {
				p.literal = false
				break
			}
		}
		if p.literal {
			b := make([]byte, len(p.codes))
			for i, c := range p.codes {
				b[i] = byte(c)
			}
			p.lit = string(b)
		}
	}
	return p
}

// parseVarBody reads "key" or "key, 'default'" (validated beforehand).
func parseVarBody(body string) varRef {
	v := varRef{text: body}
	if i := strings.IndexByte(body, ','); i >= 0 {
		v.text = strings.TrimSpace(body[:i])
		d := strings.TrimSpace(body[i+1:])
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			v.def, v.hasDef = d[1:len(d)-1], true
		}
	}
	v.key = strings.ToLower(v.text)
	return v
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// expand substitutes the pattern's variables from the request into the evaluator's
// scratch buffer. ok is false when a variable has no value and no default: such a
// pattern matches nothing (docs/semantics.md §6).
func (e *Evaluator) expand(p *pattern, r *Request) (codes []uint16, ok bool) {
	if len(p.vars) == 0 {
		return p.codes, true
	}
	buf := e.codes[:0]
	ok = true
	for _, c := range p.codes {
		if c < cVar {
			buf = append(buf, c)
			continue
		}
		v := &p.vars[c-cVar]
		val, found := r.variable(v.key)
		if !found {
			if !v.hasDef {
				e.addMissing(v.text)
				ok = false
				continue
			}
			val = v.def
		}
		if strings.ContainsAny(val, "*?") {
			e.undef |= UndefWildcardInVariableValue
		}
		for i := 0; i < len(val); i++ {
			buf = append(buf, uint16(val[i]))
		}
	}
	e.codes = buf
	return buf, ok
}

// literalBytes turns an expanded literal pattern into a string without copying.
// The result is valid until the next expansion.
func (e *Evaluator) literalBytes(codes []uint16) string {
	b := e.bytes[:0]
	for _, c := range codes {
		b = append(b, byte(c))
	}
	e.bytes = b
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// matchPattern reports whether s matches p for the request r.
func (e *Evaluator) matchPattern(p *pattern, s string, r *Request, fold bool) bool {
	if p.all {
		return true
	}
	e.undef |= p.undef
	if p.literal {
		if fold {
			return len(p.lit) == len(s) && equalFoldASCII(p.lit, s)
		}
		return p.lit == s
	}
	codes, ok := e.expand(p, r)
	if !ok {
		return false
	}
	if p.simple {
		return globSimple(codes, s, fold)
	}
	return e.globGeneral(codes, s)
}

func equalFoldASCII(lowerPat, s string) bool {
	for i := 0; i < len(s); i++ {
		if lowerPat[i] != lowerASCII(s[i]) {
			return false
		}
	}
	return true
}

// globSimple matches codes whose wildcards all cross ':' (cStarAny, cOneAny). With
// one kind of star the greedy algorithm with a single backtrack point is exact. '?'
// and '*' advance by whole UTF-8 characters.
func globSimple(p []uint16, s string, fold bool) bool {
	px, sx := 0, 0
	starPx, starSx := -1, 0
	for sx < len(s) {
		if px < len(p) {
			switch c := p[px]; c {
			case cStarAny:
				starPx, starSx = px, sx
				px++
				continue
			case cOneAny:
				_, n := utf8.DecodeRuneInString(s[sx:])
				sx += n
				px++
				continue
			default:
				b := s[sx]
				if fold {
					b = lowerASCII(b)
				}
				if c == uint16(b) {
					px++
					sx++
					continue
				}
			}
		}
		if starPx < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSx:])
		starSx += n
		px, sx = starPx+1, starSx
	}
	for px < len(p) && p[px] == cStarAny {
		px++
	}
	return px == len(p)
}

// globGeneral matches any pattern, including stars and '?' that must not cross ':'.
// It tracks the set of input positions reachable after each pattern unit, as a
// bitset in the evaluator's scratch space: linear in len(p)·len(s)/64 words, with no
// backtracking blow-up.
func (e *Evaluator) globGeneral(p []uint16, s string) bool {
	n := len(s) + 1
	words := (n + 63) / 64
	if cap(e.bitsA) < words {
		e.bitsA = make([]uint64, words)
		e.bitsB = make([]uint64, words)
	}
	cur, next := e.bitsA[:words], e.bitsB[:words]
	clear(cur)
	cur[0] = 1
	for _, c := range p {
		clear(next)
		any := false
		for w, word := range cur {
			for word != 0 {
				bit := word & -word
				word &^= bit
				i := w*64 + bits.TrailingZeros64(bit)
				switch c {
				case cStarAny:
					// Every position from i on is reachable; fill and stop.
					for j := i; j < n; j++ {
						next[j/64] |= 1 << (j % 64)
					}
					any = true
					goto filled
				case cStarSeg:
					j := i
					for {
						next[j/64] |= 1 << (j % 64)
						if j >= len(s) || s[j] == ':' {
							break
						}
						j++
					}
					any = true
				case cOneAny, cOneSeg:
					if i < len(s) && (c == cOneAny || s[i] != ':') {
						_, sz := utf8.DecodeRuneInString(s[i:])
						next[(i+sz)/64] |= 1 << ((i + sz) % 64)
						any = true
					}
				default:
					if i < len(s) && uint16(s[i]) == c {
						next[(i+1)/64] |= 1 << ((i + 1) % 64)
						any = true
					}
				}
			}
		}
	filled:
		if !any {
			return false
		}
		cur, next = next, cur
	}
	return cur[len(s)/64]&(1<<(len(s)%64)) != 0
}
