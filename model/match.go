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
	slot   uint32 // the key's slot (slots.go)
	text   string // as written, for reports
	def    string
	hasDef bool
}

// pattern's fields are ordered so that its flags share one word: Compile
// makes one per action glob, resource and condition value (112 bytes, not 128).
type pattern struct {
	text    string
	codes   []uint16
	vars    []varRef
	lit     string // the pattern text when literal
	pieces  []piece
	undef   Undef // raised whenever this pattern is evaluated
	all     bool  // the resource pattern "*": matches everything, "*" included
	literal bool  // no wildcard and no variable: compare lit directly
	simple  bool  // pieces holds the pattern: only cStarAny, and '?' only before the first or after the last star
}

// A piece is a run of a simple pattern: literal text, a variable, one star, or a
// run of '?'. Matching pieces needs no copy of the pattern per decision.
type piece struct {
	lit  string
	n    int32 // pieceVar: the variable's index; pieceOne: how many '?'
	kind uint8 // pieceLit, pieceVar, pieceStar, pieceOne
}

const (
	pieceLit uint8 = iota
	pieceVar
	pieceStar
	pieceOne
)

// compilePattern compiles text. With vars set, ${…} are policy variables; otherwise
// (policies without Version 2012-10-17) they are literal text, in which '*' and '?'
// still act as wildcards (docs/semantics.md §1.2).
func compilePattern(text string, kind patternKind, vars bool) pattern {
	switch kind {
	case patResource:
		if p, ok := compileResource(text, vars); ok {
			return p
		}
	case patAction:
		if p, ok := compileAction(text); ok {
			return p
		}
	}
	return compilePatternCodes(text, kind, vars)
}

// compilePatternCodes compiles any pattern through its code units.
func compilePatternCodes(text string, kind patternKind, vars bool) pattern {
	p := pattern{text: text, simple: true}
	if kind == patResource && text == "*" {
		p.all = true
		return p
	}
	// The code units are written to a buffer on the stack (at most one per byte
	// of text) and kept only when a match reads them (see below).
	var stack [128]uint16
	codes := stack[:0]
	if len(text) > len(stack) {
		codes = make([]uint16, 0, len(text))
	}
	seg, last := 0, false // ARN segment index; whether this '*' ends its segment
	emitWild := func(c byte, i int) {
		switch {
		case kind == patLiteral:
			codes = append(codes, uint16(c))
		case kind == patResource && seg < 5:
			last = i+1 >= len(text) || text[i+1] == ':'
			if seg == 2 {
				// The Resource page forbids wildcards in the service segment
				// without saying what they then do (docs/semantics.md §10).
				p.undef |= UndefWildcardInARNPrefix
			}
			if c == '*' && last {
				codes = append(codes, cStarAny)
			} else if c == '*' {
				codes = append(codes, cStarSeg)
				p.undef |= UndefWildcardInARNPrefix
			} else {
				codes = append(codes, cOneSeg)
				p.undef |= UndefWildcardInARNPrefix
			}
		case c == '*':
			codes = append(codes, cStarAny)
		default:
			codes = append(codes, cOneAny)
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '$' && vars && i+1 < len(text) && text[i+1] == '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 { // validation rejects this; keep the text literal
				codes = append(codes, uint16(c))
				continue
			}
			body := text[i+2 : i+end]
			switch body {
			case "*", "?", "$":
				codes = append(codes, uint16(body[0]))
			default:
				if kind == patResource && seg < 5 {
					p.undef |= UndefVariableInARNPrefix
				}
				v := parseVarBody(body)
				codes = append(codes, cVar+uint16(len(p.vars)))
				p.vars = append(p.vars, v)
			}
			i += end
		case c == '*' || c == '?':
			emitWild(c, i)
		case c == ':':
			seg++
			codes = append(codes, uint16(c))
		default:
			if kind == patAction {
				c = lowerASCII(c)
			}
			codes = append(codes, uint16(c))
		}
	}
	if kind == patResource && shortARN(text, seg) {
		p.undef |= UndefShortResourceARN
	}
	p.literal = len(p.vars) == 0
	for _, c := range codes {
		if c > 0xFF {
			p.literal = false
			break
		}
	}
	if p.literal && kind != patAction && len(codes) == len(text) {
		// The code units are the text's bytes: no special variable (${*},
		// ${?}, ${$}) shortened it, and only actions are lower-cased.
		p.lit = text
	} else if p.literal {
		// Matched by comparing lit: no pieces (a literal pattern is simple).
		var b [128]byte
		lit := b[:0]
		for _, c := range codes {
			lit = append(lit, byte(c))
		}
		p.lit = string(lit)
	} else {
		p.pieces, p.simple = splitPieces(codes)
	}
	// A condition's pattern is expanded to its code units (Evaluator.expand);
	// an action's or a resource's only when it is not simple (matchPattern).
	// Most of a statement's patterns are simple, and their code units were a
	// tenth of what eval allocated on policies that do not repeat.
	if kind == patLiteral || kind == patGlob || !p.simple {
		p.codes = append(make([]uint16, 0, len(codes)), codes...)
	}
	return p
}

// shortARN reports a Resource ARN pattern with fewer than six fields (seg colons)
// whose last one is not a lone "*", which would stand for the fields that follow
// (docs/semantics.md §4.2 rule 4): what IAM makes of "arn:aws:s3" is not
// documented (§13, short-resource-arn); the model matches the text as written.
func shortARN(text string, seg int) bool {
	return seg < 5 && !strings.HasSuffix(text, "*")
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
	v.slot = keySlot(v.key, true)
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
		val, found := e.varValue(&p.vars[c-cVar], r)
		if !found {
			ok = false
			continue
		}
		for i := 0; i < len(val); i++ {
			buf = append(buf, uint16(val[i]))
		}
	}
	e.codes = buf
	return buf, ok
}

// varValue is what variable v stands for in r: the key's one value, or v's
// default when the key has none. A key that is absent or the empty string has no
// value, AWS's "effectively null" (docs/semantics.md §6); without a default found
// is false, and a key the request does not carry is listed as missing. AWS says a
// multi-valued key cannot be a variable and not what one given as a list stands
// for: the model gives it no value too, and marks the result (§13,
// multivalued-variable).
func (e *Evaluator) varValue(v *varRef, r *Request) (val string, found bool) {
	val, present := r.variable(v)
	if val == "" {
		if !present {
			if cv, ok := r.lookup(v.slot, v.key); ok && cv.Multi {
				e.undef |= UndefMultivaluedVariable
				present = true
			}
		}
		if !v.hasDef {
			if !present {
				e.addMissing(v.text)
			}
			return "", false
		}
		val = v.def
	}
	if hasWildcard(val) {
		e.undef |= UndefWildcardInVariableValue
	}
	return val, true
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

// splitPieces turns compiled code units into pieces. ok is false when the pattern
// needs the position-set matcher: a star or '?' that stops at ':', or a '?' between
// two stars (finding such a segment is not a plain substring search).
func splitPieces(codes []uint16) ([]piece, bool) {
	// Every literal run goes into one buffer, made a string once at the end,
	// and the pieces are gathered on the stack and copied out once: a string
	// per run and the growing slice were 13 % of the objects eval allocated on
	// cases whose policies do not repeat. Until the end a literal piece holds
	// its start in lit in n.
	var litStack [128]byte
	var pieceStack [8]piece
	lit, ps := litStack[:0], pieceStack[:0]
	open := -1 // where the current literal run starts in lit
	for i := 0; i <= len(codes); i++ {
		if i < len(codes) && codes[i] < 0x100 {
			if open < 0 {
				open = len(lit)
			}
			lit = append(lit, byte(codes[i]))
			continue
		}
		if open >= 0 {
			ps = append(ps, piece{kind: pieceLit, n: int32(open)})
			open = -1
		}
		if i == len(codes) {
			break
		}
		switch c := codes[i]; {
		case c == cStarSeg || c == cOneSeg:
			return nil, false
		case c == cStarAny:
			ps = appendWildcard(ps, '*')
		case c == cOneAny:
			ps = appendWildcard(ps, '?')
		default:
			ps = append(ps, piece{kind: pieceVar, n: int32(c - cVar)})
		}
	}
	if !noOneBetweenStars(ps) {
		return nil, false
	}
	var out []piece
	if len(ps) > 0 {
		out = make([]piece, len(ps))
		copy(out, ps)
	}
	if len(lit) > 0 {
		text, end := string(lit), len(lit)
		for i := len(out) - 1; i >= 0; i-- {
			if out[i].kind == pieceLit {
				out[i].lit, out[i].n, end = text[out[i].n:end], 0, int(out[i].n)
			}
		}
	}
	return out, true
}

// matchPattern reports whether s matches p for the request r. The work is linear in
// len(s) plus the pattern's length for simple patterns, and O(len(s) + len(p)·len(s)/64)
// for the others (globNFA): no input makes it backtrack.
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
	if !p.simple {
		codes, ok := e.expand(p, r)
		return ok && e.globNFA(codes, s, fold)
	}
	vals := e.vals[:0]
	ok := true
	for i := range p.vars {
		val, found := e.varValue(&p.vars[i], r)
		if !found {
			ok = false
			continue
		}
		vals = append(vals, val)
	}
	e.vals = vals
	return ok && e.matchPieces(p.pieces, vals, s, fold)
}

// matchPieces matches a simple pattern: the part before the first star at the
// start of s, the part after the last star at its end, and each segment between
// stars at its leftmost place after the previous one. With one kind of star the
// leftmost place is always the best one, so nothing is retried.
func (e *Evaluator) matchPieces(ps []piece, vals []string, s string, fold bool) bool {
	i, k := 0, 0
	for ; k < len(ps) && ps[k].kind != pieceStar; k++ {
		var ok bool
		if i, ok = stepForward(&ps[k], vals, s, i, fold); !ok {
			return false
		}
	}
	if k == len(ps) {
		return i == len(s)
	}
	j, end := len(s), len(ps)-1
	for ; ps[end].kind != pieceStar; end-- {
		var ok bool
		if j, ok = stepBack(&ps[end], vals, s[:j], fold); !ok || j < i {
			return false
		}
	}
	t := s[:j]
	for k < end {
		k++ // past the star
		start := k
		for ps[k].kind != pieceStar {
			k++
		}
		if start == k {
			continue
		}
		needle := e.segmentText(ps[start:k], vals)
		at := e.index(t[i:], needle, fold)
		if at < 0 {
			return false
		}
		i += at + len(needle)
	}
	return true
}

// hasWildcard is strings.ContainsAny(s, "*?") without its setup cost on short values
// (the set IndexAny builds on each call was ~270 instructions a call in Compile and
// validation; docs/performance.md "eval, sixth pass").
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}

func pieceText(p *piece, vals []string) string {
	if p.kind == pieceVar {
		return vals[p.n]
	}
	return p.lit
}

// stepForward matches one piece at s[i:] and returns where it ends.
func stepForward(p *piece, vals []string, s string, i int, fold bool) (int, bool) {
	if p.kind == pieceOne {
		for n := int32(0); n < p.n; n++ {
			if i >= len(s) {
				return 0, false
			}
			_, sz := utf8.DecodeRuneInString(s[i:])
			i += sz
		}
		return i, true
	}
	t := pieceText(p, vals)
	if len(s)-i < len(t) {
		return 0, false
	}
	if fold {
		return i + len(t), equalFoldASCII(t, s[i:i+len(t)])
	}
	return i + len(t), s[i:i+len(t)] == t
}

// stepBack matches one piece at the end of s and returns where it starts.
func stepBack(p *piece, vals []string, s string, fold bool) (int, bool) {
	j := len(s)
	if p.kind == pieceOne {
		for n := int32(0); n < p.n; n++ {
			if j == 0 {
				return 0, false
			}
			_, sz := utf8.DecodeLastRuneInString(s[:j])
			j -= sz
		}
		return j, true
	}
	t := pieceText(p, vals)
	if j < len(t) {
		return 0, false
	}
	if fold {
		return j - len(t), equalFoldASCII(t, s[j-len(t):])
	}
	return j - len(t), s[j-len(t):] == t
}

// segmentText is the text of the pieces between two stars (literals and variable
// values only); one piece needs no copy.
func (e *Evaluator) segmentText(ps []piece, vals []string) string {
	if len(ps) == 1 {
		return pieceText(&ps[0], vals)
	}
	b := e.bytes[:0]
	for i := range ps {
		b = append(b, pieceText(&ps[i], vals)...)
	}
	e.bytes = b
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// maxBruteNeedle bounds the needles handed to strings.Index, whose worst case is
// len(s)·len(needle) for short needles; longer ones (and case-folded ones) go to
// Knuth–Morris–Pratt, linear in len(s)+len(needle).
const maxBruteNeedle = 32

// index returns the first position of needle in s (needle lower-cased when fold).
func (e *Evaluator) index(s, needle string, fold bool) int {
	if !fold && len(needle) <= maxBruteNeedle {
		// strings.Index reads up to the match, at most maxBruteNeedle
		// comparisons per byte.
		at := strings.Index(s, needle)
		if at < 0 {
			e.steps += len(s)
		} else {
			e.steps += at + len(needle)
		}
		return at
	}
	if len(needle) == 0 {
		return 0
	}
	if cap(e.fail) < len(needle) {
		e.fail = make([]int32, len(needle))
	}
	fail := e.fail[:len(needle)]
	fail[0] = 0
	for i, k := 1, 0; i < len(needle); i++ {
		for k > 0 && needle[i] != needle[k] {
			k = int(fail[k-1])
		}
		if needle[i] == needle[k] {
			k++
		}
		fail[i] = int32(k)
	}
	k := 0
	e.steps += len(needle)
	for i := 0; i < len(s); i++ {
		e.steps++
		c := s[i]
		if fold {
			c = lowerASCII(c)
		}
		for k > 0 && c != needle[k] {
			k = int(fail[k-1])
			e.steps++
		}
		if c == needle[k] {
			k++
		}
		if k == len(needle) {
			return i - k + 1
		}
	}
	return -1
}

func equalFoldASCII(lowerPat, s string) bool {
	for i := 0; i < len(s); i++ {
		if lowerPat[i] != lowerASCII(s[i]) {
			return false
		}
	}
	return true
}

// globNFA matches any compiled pattern, including stars and '?' that must not cross
// ':'. It tracks the set of positions of s reachable after each code unit as a
// bitset and moves whole words at once: a literal is a shift of the positions
// holding that byte, '?' a shift by the width of the character at each position,
// and a star a carry-propagating add that fills every run up to its next ':' (or
// the end). The cost is O(len(s)) to build the masks plus O(len(s)/64) per code
// unit, with no backtracking. '?' and stars count characters, not bytes.
func (e *Evaluator) globNFA(p []uint16, s string, fold bool) bool {
	n := len(s)
	w := (n + 64) / 64 // positions 0..n
	// Which bytes the pattern compares, and a mask slot for each.
	var slot [256]int16
	nslots := 0
	for _, c := range p {
		if c < 0x100 && slot[c] == 0 {
			nslots++
			slot[c] = int16(nslots)
		}
	}
	const (
		mAll = iota // positions 0..n-1
		mNoColon
		mBoundary // character starts, and n
		mWidth1
		mWidth2
		mWidth3
		mWidth4
		mCur
		mNext
		mFixed
	)
	need := (mFixed + nslots) * w
	if cap(e.nfa) < need {
		e.nfa = make([]uint64, need)
	}
	buf := e.nfa[:need]
	clear(buf)
	mask := func(k int) []uint64 { return buf[k*w : (k+1)*w] }
	set := func(m []uint64, i int) { m[i>>6] |= 1 << (i & 63) }
	all, noColon, boundary := mask(mAll), mask(mNoColon), mask(mBoundary)
	for i := 0; i < n; i++ {
		set(all, i)
		b := s[i]
		if b != ':' {
			set(noColon, i)
		}
		_, sz := utf8.DecodeRuneInString(s[i:])
		set(mask(mWidth1+sz-1), i)
		if fold {
			b = lowerASCII(b)
		}
		if sl := slot[b]; sl != 0 {
			set(mask(mFixed+int(sl)-1), i)
		}
	}
	for i := 0; i < n; {
		set(boundary, i)
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	set(boundary, n)
	cur, next := mask(mCur), mask(mNext)
	cur[0] = 1
	e.steps += n
	for _, c := range p {
		e.steps += w
		switch c {
		case cStarAny, cStarSeg:
			run := all
			if c == cStarSeg {
				run = noColon
			}
			// A star starting at i reaches i and every character start up to the
			// first position outside run at or after i (the ':' it may not cross,
			// or n). m + (x&m) carries each x bit to the end of its run; XOR m
			// leaves the run from that bit on (later bits of x in the same run
			// cancel, and OR x restores them).
			var carry uint64
			for k := range next {
				y := cur[k] & run[k]
				sum, cy := bits.Add64(run[k], y, carry)
				carry = cy
				next[k] = ((sum ^ run[k]) | cur[k]) & (boundary[k] | cur[k])
			}
		case cOneAny, cOneSeg:
			clear(next)
			for width := 1; width <= 4; width++ {
				wm := mask(mWidth1 + width - 1)
				var prev uint64
				for k := range next {
					x := cur[k] & wm[k]
					if c == cOneSeg {
						x &= noColon[k]
					}
					next[k] |= x<<width | prev>>(64-width)
					prev = x
				}
			}
		default:
			if c >= cVar { // expand substituted every variable
				return false
			}
			eq := mask(mFixed + int(slot[c]) - 1)
			var prev uint64
			for k := range next {
				x := cur[k] & eq[k]
				next[k] = x<<1 | prev>>63
				prev = x
			}
		}
		any := false
		for _, x := range next {
			if x != 0 {
				any = true
				break
			}
		}
		if !any {
			return false
		}
		cur, next = next, cur
	}
	return cur[n>>6]&(1<<(n&63)) != 0
}
