package model

import "testing"

func TestPositionAt(t *testing.T) {
	text := []byte("{\n  \"Ä\": 1,\n\xff\"x\"}")
	for _, tc := range []struct {
		off       int64
		line, col int
	}{
		{0, 1, 1}, {1, 1, 2}, {2, 2, 1}, {4, 2, 3}, {5, 2, 4}, {7, 2, 5 /* Ä is one column */},
		{12, 2, 10}, {13, 3, 1}, {14, 3, 2 /* an invalid byte is one column */}, {100, 3, 6 /* past the end: the end */}, {-1, 1, 1},
	} {
		if got := PositionAt(text, tc.off); got.Line != tc.line || got.Column != tc.col {
			t.Errorf("PositionAt(%d) = %d:%d, want %d:%d", tc.off, got.Line, got.Column, tc.line, tc.col)
		}
	}
	// The cursor gives the same answers out of order.
	c := positionCursor{text: text, line: 1, col: 1}
	for _, off := range []int64{14, 2, 7, 0, 12} {
		if got, want := c.at(off), PositionAt(text, off); got != want {
			t.Errorf("cursor at %d = %+v, PositionAt %+v", off, got, want)
		}
	}
}

// TestStatementSpans: the parser records both braces of every statement, in the
// list and the single-object form, with character columns.
func TestStatementSpans(t *testing.T) {
	doc := "{\"Version\":\"2012-10-17\",\"Statement\":[\n {\"Sid\":\"Ab\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::é\"},\n {\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}\n]}"
	p, err := Parse([]byte(doc), IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []Span{
		{Position{39, 2, 2}, Position{111, 2, 73}},
		{Position{115, 3, 2}, Position{160, 3, 47}},
	} {
		if got := p.Statements[i].Span; got != want {
			t.Errorf("statement %d: span %+v, want %+v", i, got, want)
		}
		if doc[want.Start.Offset] != '{' || doc[want.End.Offset] != '}' {
			t.Errorf("statement %d: the span's offsets are not its braces", i)
		}
	}
	one, err := Parse([]byte(`{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`), IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if got := one.Statements[0].Span; got != (Span{Position{13, 1, 14}, Position{57, 1, 58}}) {
		t.Errorf("single statement span %+v", got)
	}
	if (Statement{}).Offset() != -1 || one.Statements[0].Offset() != 13 {
		t.Error("Statement.Offset")
	}
}
