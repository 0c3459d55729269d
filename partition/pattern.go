package partition

import (
	"strings"
)

// PatKind says how ParsePattern reads wildcards, after the model's pattern kinds.
type PatKind uint8

// Pattern kinds.
const (
	PatLiteral  PatKind = iota // no wildcards: StringEquals, StringEqualsIgnoreCase
	PatGlob                    // * and ? anywhere: StringLike, ArnLike
	PatResource                // Resource and NotResource (docs/semantics.md §4.2)
	PatAction                  // Action and NotAction: glob, case-insensitive
)

// Pattern is a policy pattern with its policy variables still open.
type Pattern struct {
	Text  string
	All   bool   // the Resource "*": matches everything
	codes []Code // literal bytes, wildcards, and varBase+i for Vars[i]
	Vars  []Var
}

// Var is one policy variable of a pattern.
type Var struct {
	Key     string // lower-cased
	Text    string
	Default string
	HasDef  bool
}

const varBase Code = 0x200

// ParsePattern reads pattern text as the model compiles it: with vars, ${…} are
// policy variables (${*} ${?} ${$} stand for the literal character).
func ParsePattern(text string, kind PatKind, vars bool) Pattern {
	p := Pattern{Text: text}
	if kind == PatResource && text == "*" {
		p.All = true
		return p
	}
	seg := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '$' && vars && i+1 < len(text) && text[i+1] == '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				p.codes = append(p.codes, Code(c))
				continue
			}
			body := text[i+2 : i+end]
			switch body {
			case "*", "?", "$":
				p.codes = append(p.codes, Code(body[0]))
			default:
				p.codes = append(p.codes, varBase+Code(len(p.Vars)))
				p.Vars = append(p.Vars, parseVar(body))
			}
			i += end
		case (c == '*' || c == '?') && kind != PatLiteral:
			switch {
			case kind == PatResource && seg < 5:
				last := i+1 >= len(text) || text[i+1] == ':'
				switch {
				case c == '*' && last:
					p.codes = append(p.codes, WildStar)
				case c == '*':
					p.codes = append(p.codes, WildStarSeg)
				default:
					p.codes = append(p.codes, WildOneSeg)
				}
			case c == '*':
				p.codes = append(p.codes, WildStar)
			default:
				p.codes = append(p.codes, WildOne)
			}
		case c == ':':
			seg++
			p.codes = append(p.codes, Code(c))
		default:
			if kind == PatAction {
				c = lower(c)
			}
			p.codes = append(p.codes, Code(c))
		}
	}
	return p
}

func parseVar(body string) Var {
	v := Var{Text: body}
	if i := strings.IndexByte(body, ','); i >= 0 {
		v.Text = strings.TrimSpace(body[:i])
		d := strings.TrimSpace(body[i+1:])
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			v.Default, v.HasDef = d[1:len(d)-1], true
		}
	}
	v.Key = strings.ToLower(v.Text)
	return v
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Subst substitutes the pattern's variables with the values lookup gives (by
// lower-cased key). ok is false when a variable has no value (none, or the empty
// string) and no default: the model's pattern then matches nothing.
func (p *Pattern) Subst(lookup func(key string) (string, bool)) (codes []Code, ok bool) {
	if len(p.Vars) == 0 {
		return p.codes, true
	}
	out := make([]Code, 0, len(p.codes))
	for _, c := range p.codes {
		if c < varBase {
			out = append(out, c)
			continue
		}
		v := p.Vars[c-varBase]
		val, found := lookup(v.Key)
		if !found || val == "" {
			// An empty value is no value, as in the model (docs/semantics.md §6).
			if !v.HasDef {
				return nil, false
			}
			val = v.Default
		}
		for i := 0; i < len(val); i++ {
			out = append(out, Code(val[i]))
		}
	}
	return out, true
}

// literalService returns the service segment of a resource pattern when the
// pattern's first three segments are literal (no wildcard, no variable), so that
// it can only match ARNs of that service; "" otherwise.
func (p *Pattern) literalService() string {
	if p.All {
		return ""
	}
	seg := 0
	var svc []byte
	for _, c := range p.codes {
		if c > 0xFF {
			return ""
		}
		if c == ':' {
			seg++
			if seg == 3 {
				return string(svc)
			}
			continue
		}
		if seg == 2 {
			svc = append(svc, byte(c))
		}
	}
	return ""
}

// globFold matches an action against an action pattern as IAM does: * any run,
// ? one character, ASCII case folded (docs/semantics.md §4.1).
func globFold(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || lower(pattern[p]) == lower(s[i])):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
