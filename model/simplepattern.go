package model

import "strings"

// compileAction compiles an action pattern that is simple (ok false for the
// others) with the pieces of its ASCII-lower-cased text, as compileResource
// does for resources. TestCompileActionAgrees holds it to compilePatternCodes.
func compileAction(text string) (pattern, bool) {
	p := pattern{text: text, simple: true}
	low := text
	for i := 0; i < len(text); i++ {
		if 'A' <= text[i] && text[i] <= 'Z' {
			b := []byte(text)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			low = string(b)
			break
		}
	}
	var stack [8]piece
	ps := stack[:0]
	lit := 0 // where the current literal run starts
	for i := 0; i < len(low); i++ {
		c := low[i]
		if c != '*' && c != '?' {
			continue
		}
		if lit < i {
			ps = append(ps, piece{kind: pieceLit, lit: low[lit:i]})
		}
		lit = i + 1
		ps = appendWildcard(ps, c)
	}
	return finishPieces(p, ps, low, lit)
}

// appendWildcard adds the wildcard c ('*' or '?') to a simple pattern's
// pieces, merging a run of stars into one and counting a run of '?'.
func appendWildcard(ps []piece, c byte) []piece {
	switch n := len(ps); {
	case c == '*' && n > 0 && ps[n-1].kind == pieceStar:
	case c == '*':
		ps = append(ps, piece{kind: pieceStar})
	case n > 0 && ps[n-1].kind == pieceOne:
		ps[n-1].n++
	default:
		ps = append(ps, piece{kind: pieceOne, n: 1})
	}
	return ps
}

// noOneBetweenStars reports whether no '?' stands between two stars of a pattern's
// pieces: only then is the segment between the first and the last star found
// by a plain substring search, so the piece matcher can take the pattern.
func noOneBetweenStars(ps []piece) bool {
	first, last := -1, -1
	for i, pc := range ps {
		if pc.kind == pieceStar {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	for i := first + 1; i < last; i++ {
		if ps[i].kind == pieceOne {
			return false
		}
	}
	return true
}

// finishPieces completes p from the pieces read off text (up to lit, where
// the last literal run starts): a literal pattern when there are none, ok false
// when the pattern is not simple ('?' between two stars).
func finishPieces(p pattern, ps []piece, text string, lit int) (pattern, bool) {
	if len(ps) == 0 {
		p.literal, p.lit = true, text
		return p, true
	}
	if lit < len(text) {
		ps = append(ps, piece{kind: pieceLit, lit: text[lit:]})
	}
	if !noOneBetweenStars(ps) {
		return p, false // not simple: the position-set matcher reads codes
	}
	p.pieces = append(make([]piece, 0, len(ps)), ps...)
	return p, true
}

// compileResource compiles the resource patterns most statements have, ok
// false for the others: "*", and simple patterns whose wildcards past the ARN's
// fifth colon or ending a segment before it (an account's "*"), outside the
// service, and whose variables are not ${*}, ${?} or ${$}. Their literal pieces
// are slices of the text: the code units, and a string for the literal runs,
// were a tenth of Compile's instructions on policies that do not repeat
// (docs/performance.md "eval, seventh pass"). TestCompileResourceAgrees holds
// it to compilePatternCodes.
func compileResource(text string, vars bool) (pattern, bool) {
	p := pattern{text: text, simple: true}
	if text == "*" {
		p.all = true
		return p, true
	}
	var stack [8]piece
	ps := stack[:0]
	seg, lit := 0, 0 // colons so far; where the current literal run starts
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ':':
			seg++
			continue
		case c == '$' && vars && i+1 < len(text) && text[i+1] == '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				return p, false
			}
			switch body := text[i+2 : i+end]; body {
			case "*", "?", "$":
				return p, false
			default:
				if lit < i {
					ps = append(ps, piece{kind: pieceLit, lit: text[lit:i]})
				}
				if seg < 5 {
					p.undef |= UndefVariableInARNPrefix
				}
				ps = append(ps, piece{kind: pieceVar, n: int32(len(p.vars))})
				p.vars = append(p.vars, parseVarBody(body))
			}
			i += end
			lit = i + 1
			continue
		case c != '*' && c != '?':
			continue
		case seg < 5 && (c != '*' || seg == 2 || i+1 < len(text) && text[i+1] != ':'):
			return p, false
		}
		if lit < i {
			ps = append(ps, piece{kind: pieceLit, lit: text[lit:i]})
		}
		lit = i + 1
		ps = appendWildcard(ps, c)
	}
	if shortARN(text, seg) {
		p.undef |= UndefShortResourceARN
	}
	return finishPieces(p, ps, text, lit)
}
