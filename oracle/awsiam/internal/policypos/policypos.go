// Package policypos converts between a policy's statements and the line/column
// positions that AWS's policy simulator reports for them (MatchedStatements'
// StartPosition and EndPosition).
//
// AWS reports positions one character past the statement's braces: for the
// document {"Version":"2012-10-17","Statement":{…}} of the AWS CLI's
// simulate-custom-policy example, whose statement opens at column 37 and closes at
// column 166, the simulator answers StartPosition 1:38 and EndPosition 1:167 — the
// location a streaming JSON parser is at after reading each brace. Lines and
// columns are 1-based and columns count characters, not bytes (policies may hold
// Latin-1 characters, which take two bytes in UTF-8).
//
// Both the client (mapping an answer back to a statement index) and the local
// endpoint (producing answers) use this package, so the two agree by construction;
// the client's lookup is by containment, which also tolerates an endpoint that
// reports the braces themselves.
package policypos

import (
	"unicode/utf8"

	"github.com/iamfuzz/iamfuzz/model"
)

// Pos is a 1-based line and column (in characters).
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Less reports whether p comes before q.
func (p Pos) Less(q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Column < q.Column
}

// Span locates one statement: the positions of its opening and closing braces.
type Span struct {
	Open, Close Pos
}

// Reported returns the positions AWS reports for the statement: one character past
// each brace.
func (s Span) Reported() (start, end Pos) {
	return Pos{s.Open.Line, s.Open.Column + 1}, Pos{s.Close.Line, s.Close.Column + 1}
}

// Contains reports whether pos lies within the statement, from its opening brace to
// one character past its closing brace.
func (s Span) Contains(pos Pos) bool {
	_, end := s.Reported()
	return !pos.Less(s.Open) && !end.Less(pos)
}

// Spans returns the span of every statement of p, which was parsed from text. A
// statement whose braces cannot be found (text is not the document p was parsed
// from) gets the zero Span, which contains no position.
func Spans(text []byte, p *model.Policy) []Span {
	out := make([]Span, len(p.Statements))
	for i := range p.Statements {
		open := p.Statements[i].Offset
		if open < 0 || open >= int64(len(text)) || text[open] != '{' {
			continue
		}
		end := matchingBrace(text, open)
		if end < 0 {
			continue
		}
		out[i] = Span{Open: At(text, open), Close: At(text, end)}
	}
	return out
}

// Locate returns the index of the statement whose span contains pos, or -1 when no
// statement or more than one does.
func Locate(spans []Span, pos Pos) int {
	found := -1
	for i, s := range spans {
		if s.Contains(pos) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// At returns the position of the byte at offset in text.
func At(text []byte, offset int64) Pos {
	line, col := 1, 1
	for i := 0; i < int(offset) && i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return Pos{line, col}
}

// matchingBrace returns the offset of the brace that closes the object opening at
// open, skipping strings (whose contents may hold braces and escaped quotes), or -1.
func matchingBrace(text []byte, open int64) int64 {
	depth := 0
	inString, escaped := false, false
	for i := open; i < int64(len(text)); i++ {
		c := text[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				if c != '}' {
					return -1
				}
				return i
			}
		}
	}
	return -1
}
