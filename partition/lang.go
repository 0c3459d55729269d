package partition

import (
	"math/bits"
	"strings"
)

// ByteSet is a set of bytes, the label of one automaton edge.
type ByteSet [4]uint64

// Has reports whether b is in the set.
func (s *ByteSet) Has(b byte) bool { return s[b>>6]&(1<<(b&63)) != 0 }

func (s *ByteSet) add(b byte) { s[b>>6] |= 1 << (b & 63) }

func (s ByteSet) and(t ByteSet) ByteSet {
	return ByteSet{s[0] & t[0], s[1] & t[1], s[2] & t[2], s[3] & t[3]}
}

// Minus is s without the bytes of t.
func (s ByteSet) Minus(t ByteSet) ByteSet {
	return ByteSet{s[0] &^ t[0], s[1] &^ t[1], s[2] &^ t[2], s[3] &^ t[3]}
}

func (s ByteSet) empty() bool { return s[0]|s[1]|s[2]|s[3] == 0 }

// Set returns the set of the given bytes.
func Set(chars string) ByteSet {
	var s ByteSet
	for i := 0; i < len(chars); i++ {
		s.add(chars[i])
	}
	return s
}

// Range returns the bytes lo..hi.
func Range(lo, hi byte) ByteSet {
	var s ByteSet
	for c := int(lo); c <= int(hi); c++ {
		s.add(byte(c))
	}
	return s
}

// Character classes used by the languages below.
var (
	AnyByte  = ByteSet{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
	NotColon = AnyByte.Minus(Set(":"))
	NotSlash = AnyByte.Minus(Set("/"))
	Digits   = Range('0', '9')
	// NameChars are the characters IAM allows in user, role and federated user
	// names: letters, digits and +=,.@_- (docs/semantics.md §8.1).
	NameChars = Range('a', 'z').Union(Range('A', 'Z')).Union(Digits).Union(Set("+=,.@_-"))
	// PathChars are the characters of one IAM path segment (! to ~, '/' excluded).
	PathChars = Range('!', '~').Minus(Set("/"))
	// lowerWord is the partition and region alphabet of ARN templates.
	lowerWord = Range('a', 'z').Union(Digits).Union(Set("-"))
)

// Union is s with the bytes of t.
func (s ByteSet) Union(t ByteSet) ByteSet {
	return ByteSet{s[0] | t[0], s[1] | t[1], s[2] | t[2], s[3] | t[3]}
}

// Lang is a regular language over bytes, written as an expression; Compile turns
// it into an automaton. Languages are immutable values.
type Lang struct {
	op   langOp
	set  ByteSet
	subs []*Lang
	n    int // opRepeat: at most n
	raw  *rawNFA
}

type langOp uint8

const (
	opSet    langOp = iota // one byte of set
	opSeq                  // concatenation of subs (empty: the empty string)
	opAlt                  // union of subs (empty: the empty language)
	opStar                 // subs[0]*
	opRepeat               // subs[0]{0,n}
	opRaw                  // raw: an automaton given state by state
)

// rawNFA is an automaton given by its states: edges[i] leave state i, start
// and accept list states. It is how a language computed on automata (namesplit.go)
// becomes part of an expression.
type rawNFA struct {
	edges  [][]nedge
	start  []int32
	accept []int32
}

// Raw is the language of an automaton given state by state.
func Raw(r *rawNFA) *Lang { return &Lang{op: opRaw, raw: r} }

// Byte is the language of one byte of s.
func Byte(s ByteSet) *Lang { return &Lang{op: opSet, set: s} }

// Seq is the concatenation of ls; with none, the language of the empty string.
func Seq(ls ...*Lang) *Lang { return &Lang{op: opSeq, subs: ls} }

// Alt is the union of ls; with none, the empty language.
func Alt(ls ...*Lang) *Lang { return &Lang{op: opAlt, subs: ls} }

// Star is l repeated zero or more times.
func Star(l *Lang) *Lang { return &Lang{op: opStar, subs: []*Lang{l}} }

// Plus is l repeated one or more times.
func Plus(l *Lang) *Lang { return Seq(l, Star(l)) }

// Between is l repeated lo to hi times.
func Between(l *Lang, lo, hi int) *Lang {
	parts := make([]*Lang, 0, lo+1)
	for range lo {
		parts = append(parts, l)
	}
	if hi > lo {
		parts = append(parts, &Lang{op: opRepeat, subs: []*Lang{l}, n: hi - lo})
	}
	return Seq(parts...)
}

// Lit is the language of exactly s.
func Lit(s string) *Lang {
	// One block for the bytes' languages: a literal ARN is a hundred of
	// them, and a proof builds thousands (issue 15).
	parts, nodes := make([]*Lang, len(s)), make([]Lang, len(s))
	for i := 0; i < len(s); i++ {
		nodes[i] = Lang{op: opSet, set: Set(s[i : i+1])}
		parts[i] = &nodes[i]
	}
	return Seq(parts...)
}

// word returns the one string of a language made of single bytes in sequence
// (Lit), and whether it is one.
func (l *Lang) word() (string, bool) {
	var b []byte
	var walk func(l *Lang) bool
	walk = func(l *Lang) bool {
		switch l.op {
		case opSet:
			n, c := 0, 0
			for i, w := range l.set {
				n += bits.OnesCount64(w)
				if w != 0 {
					c = i*64 + bits.TrailingZeros64(w)
				}
			}
			b = append(b, byte(c))
			return n == 1
		case opSeq:
			for _, s := range l.subs {
				if !walk(s) {
					return false
				}
			}
			return true
		}
		return false
	}
	if !walk(l) {
		return "", false
	}
	return string(b), true
}

// LitFold is s under ASCII case folding.
func LitFold(s string) *Lang {
	parts := make([]*Lang, len(s))
	for i := 0; i < len(s); i++ {
		parts[i] = Byte(foldSet(s[i]))
	}
	return Seq(parts...)
}

func foldSet(c byte) ByteSet {
	s := Set(string([]byte{c}))
	switch {
	case 'a' <= c && c <= 'z':
		s.add(c - 'a' + 'A')
	case 'A' <= c && c <= 'Z':
		s.add(c - 'A' + 'a')
	}
	return s
}

// Any is every string whose bytes are in s.
func Any(s ByteSet) *Lang { return Star(Byte(s)) }

// Nothing is the empty language.
func Nothing() *Lang { return Alt() }

// NotEqualFold is every string over s that differs from w under ASCII case
// folding: the complement of one literal, used for "owned by another user".
func NotEqualFold(w string, s ByteSet) *Lang {
	// Differ at some position i < len(w), or be a proper prefix, or extend w.
	var alts []*Lang
	for i := 0; i < len(w); i++ {
		alts = append(alts, Seq(LitFold(w[:i]), Byte(s.Minus(foldSet(w[i]))), Any(s)))
	}
	for i := 0; i < len(w); i++ {
		alts = append(alts, LitFold(w[:i]))
	}
	alts = append(alts, Seq(LitFold(w), Byte(s), Any(s)))
	return Alt(alts...)
}

// GlobKind says how a glob's wildcards read.
type GlobKind uint8

// Glob kinds, after the model's pattern kinds (docs/semantics.md §4).
const (
	// GlobLike: * any run, ? any one byte (StringLike).
	GlobLike GlobKind = iota
	// GlobLiteral: no wildcards (StringEquals).
	GlobLiteral
	// GlobFold: no wildcards, ASCII case folded (StringEqualsIgnoreCase on ASCII).
	GlobFold
	// GlobAction: * and ?, ASCII case folded (Action, NotAction).
	GlobAction
	// GlobResource: the ARN rules of Resource and NotResource: inside the first
	// five ARN segments a '*' that does not end its segment and every '?' stop at
	// ':'; a '*' that ends its segment, and all wildcards after the fifth ':',
	// match anything.
	GlobResource
	// GlobARN: ArnLike and ArnEquals: the pattern and the value are split at
	// their first five colons and matched part by part.
	GlobARN
)

// Code is one unit of a pattern whose variables are already substituted: a
// literal byte (0–255) or a wildcard.
type Code = uint16

// Wildcard codes; a literal is its byte value.
const (
	WildStar    Code = 0x100 + iota // '*': any run
	WildOne                         // '?': any one byte
	WildStarSeg                     // '*' inside the first five ARN segments of a Resource: stops at ':'
	WildOneSeg                      // '?' there: any byte but ':'
)

// GlobLang compiles a pattern, given as codes (variables substituted, wildcards
// as Wild* codes), into the language of the values it matches. For GlobResource
// the codes must come from ParsePattern with PatResource, which decides where a
// wildcard stops at ':'.
func GlobLang(codes []Code, kind GlobKind) *Lang {
	if kind == GlobARN {
		return arnLang(codes)
	}
	parts := make([]*Lang, 0, len(codes))
	for _, c := range codes {
		switch {
		case c == WildStar && kind != GlobLiteral && kind != GlobFold:
			parts = append(parts, Any(AnyByte))
		case c == WildOne && kind != GlobLiteral && kind != GlobFold:
			parts = append(parts, Byte(AnyByte))
		case c == WildStarSeg:
			parts = append(parts, Any(NotColon))
		case c == WildOneSeg:
			parts = append(parts, Byte(NotColon))
		case c == WildStar:
			parts = append(parts, Lit("*"))
		case c == WildOne:
			parts = append(parts, Lit("?"))
		case kind == GlobFold || kind == GlobAction:
			parts = append(parts, Byte(foldSet(byte(c))))
		default:
			parts = append(parts, Byte(Set(string([]byte{byte(c)}))))
		}
	}
	return Seq(parts...)
}

// arnLang: the pattern's first five ':' split it into six parts; a value
// matches when its own six parts (split at its first five colons) match
// pairwise, so wildcards in the first five parts never cover a ':'. A pattern
// with fewer than six parts matches nothing, and so does a value that does not
// begin with arn: (the model's matchARN, docs/semantics.md §5.3): the first
// part is "arn" when the pattern's first part matches it, else nothing.
func arnLang(codes []Code) *Lang {
	var parts []*Lang
	seg, first := 0, -1
	for _, c := range codes {
		switch {
		case c == ':' && seg < 5:
			if seg == 0 {
				first = len(parts)
			}
			seg++
			parts = append(parts, Lit(":"))
		case (c == WildStar || c == WildStarSeg) && seg < 5:
			parts = append(parts, Any(NotColon))
		case (c == WildOne || c == WildOneSeg) && seg < 5:
			parts = append(parts, Byte(NotColon))
		case c == WildStar || c == WildStarSeg:
			parts = append(parts, Any(AnyByte))
		case c == WildOne || c == WildOneSeg:
			parts = append(parts, Byte(AnyByte))
		default:
			parts = append(parts, Byte(Set(string([]byte{byte(c)}))))
		}
	}
	if seg < 5 || !compile(Seq(parts[:first]...)).matches("arn") {
		return Nothing()
	}
	return Seq(append([]*Lang{Lit("arn")}, parts[first:]...)...)
}

// TemplateLang is the language of an ARN template of the AWS action catalogue,
// read as corpus/catalog's MatchARNTemplate reads it.
func TemplateLang(tpl string) *Lang {
	segs := strings.SplitN(tpl, ":", 6)
	if len(segs) != 6 {
		return Nothing()
	}
	var parts []*Lang
	for i, s := range segs {
		if i > 0 {
			parts = append(parts, Lit(":"))
		}
		switch {
		case i == 0:
			parts = append(parts, Lit(s))
		case i == 1 && s == "${Partition}":
			parts = append(parts, Lit("aws"), Any(lowerWord))
		case i == 3 && s == "${Region}":
			parts = append(parts, Plus(Byte(lowerWord)))
		case i == 4 && isWholeVar(s) && strings.Contains(s, "Account"):
			parts = append(parts, Between(Byte(Digits), 12, 12))
		case i < 5:
			parts = append(parts, templateGlob(s, NotColon))
		default:
			parts = append(parts, templateGlob(s, AnyByte))
		}
	}
	return Seq(parts...)
}

func isWholeVar(t string) bool {
	return len(t) > 3 && strings.HasPrefix(t, "${") && strings.HasSuffix(t, "}") && !strings.ContainsAny(t[2:len(t)-1], "${}")
}

// templateGlob: "${...}" is one or more bytes, '*' zero or more, the rest literal.
func templateGlob(s string, cls ByteSet) *Lang {
	var parts []*Lang
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '*':
			parts = append(parts, Any(cls))
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				parts = append(parts, Plus(Byte(cls)))
				i += end
				continue
			}
			parts = append(parts, Lit("$"))
		default:
			parts = append(parts, Lit(s[i:i+1]))
		}
	}
	return Seq(parts...)
}

// Restrict limits every byte of l's strings to s: the strings of l made only of
// bytes of s.
func Restrict(l *Lang, s ByteSet) *Lang {
	if l.op == opRaw {
		r := &rawNFA{start: l.raw.start, accept: l.raw.accept, edges: make([][]nedge, len(l.raw.edges))}
		for i, es := range l.raw.edges {
			for _, ed := range es {
				if set := ed.set.and(s); !set.empty() {
					r.edges[i] = append(r.edges[i], nedge{set, ed.to})
				}
			}
		}
		return Raw(r)
	}
	out := &Lang{op: l.op, n: l.n, set: l.set.and(s)}
	for _, sub := range l.subs {
		out.subs = append(out.subs, Restrict(sub, s))
	}
	return out
}
