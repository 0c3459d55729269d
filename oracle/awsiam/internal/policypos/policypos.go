// Package policypos converts between a policy's statements and the line/column
// positions that AWS's policy simulator reports for them (MatchedStatements'
// StartPosition and EndPosition).
//
// AWS reports positions one character past the statement's braces: for the
// document {"Version":"2012-10-17","Statement":{…}} of the AWS CLI's
// simulate-custom-policy example, whose statement opens at column 37 and closes at
// column 166, the simulator answers StartPosition 1:38 and EndPosition 1:167 — the
// location a streaming JSON parser is at after reading each brace. Lines and
// columns are 1-based and columns count characters, not bytes, as model.Position
// does: the statement spans are the ones the parser recorded, the same positions
// that reports and SARIF show.
//
// Both the client (mapping an answer back to a statement index) and the local
// endpoint (producing answers) use this package, so the two agree by construction;
// the client's lookup is by containment, which also tolerates an endpoint that
// reports the braces themselves.
package policypos

import "github.com/iamfuzz/iamfuzz/model"

// Reported returns the positions AWS reports for a statement: one character past
// each brace. Only Line and Column are set: AWS reports no offset.
func Reported(s model.Span) (start, end model.Position) {
	return model.Position{Line: s.Start.Line, Column: s.Start.Column + 1},
		model.Position{Line: s.End.Line, Column: s.End.Column + 1}
}

// Contains reports whether pos lies within the statement, from its opening brace to
// one character past its closing brace.
func Contains(s model.Span, pos model.Position) bool {
	if !s.Start.Known() || !s.End.Known() {
		return false
	}
	_, end := Reported(s)
	return !pos.Before(s.Start) && !end.Before(pos)
}

// Spans returns the span of every statement of p, which was parsed from text. A
// statement whose recorded span does not fit text (text is not the document p was
// parsed from) gets the zero Span, which contains no position.
func Spans(text []byte, p *model.Policy) []model.Span {
	out := make([]model.Span, len(p.Statements))
	for i, st := range p.Statements {
		s := st.Span
		if !s.End.Known() || s.End.Offset >= int64(len(text)) || text[s.Start.Offset] != '{' || text[s.End.Offset] != '}' {
			continue
		}
		out[i] = s
	}
	return out
}

// Locate returns the index of the statement whose span contains pos, or -1 when no
// statement or more than one does.
func Locate(spans []model.Span, pos model.Position) int {
	found := -1
	for i, s := range spans {
		if Contains(s, pos) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}
