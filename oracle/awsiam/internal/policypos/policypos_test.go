package policypos

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamfuzz/iamfuzz/model"
)

// The AWS CLI's simulate-custom-policy example: the simulator reported
// StartPosition 1:38 and EndPosition 1:167 for this document's only statement.
const cliExample = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`

// lc is a position by line and column only, as AWS reports it.
func lc(line, col int) model.Position { return model.Position{Line: line, Column: col} }

func TestReportedMatchesAWSExample(t *testing.T) {
	p, err := model.Parse([]byte(cliExample), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(cliExample), p)
	start, end := Reported(spans[0])
	if start != lc(1, 38) || end != lc(1, 167) {
		t.Fatalf("reported %v..%v, AWS reported 1:38..1:167", start, end)
	}
	if got := Locate(spans, lc(1, 38)); got != 0 {
		t.Fatalf("Locate(1:38) = %d, want 0", got)
	}
}

func TestLocateMultiLine(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/{\\\"}\"},\n    {\n      \"Effect\": \"Deny\",\n      \"Action\": \"iam:*\",\n      \"Resource\": \"arn:aws:s3:::Ä\"\n    }\n  ]\n}"
	p, err := model.Parse([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(doc), p)
	at := func(p model.Position) model.Position { return lc(p.Line, p.Column) }
	if at(spans[0].Start) != lc(4, 5) {
		t.Fatalf("statement 0 opens at %v, want 4:5", spans[0].Start)
	}
	if at(spans[1].Start) != lc(5, 5) || at(spans[1].End) != lc(9, 5) {
		t.Fatalf("statement 1 spans %v..%v, want 5:5..9:5", spans[1].Start, spans[1].End)
	}
	for _, tc := range []struct {
		pos  model.Position
		want int
	}{
		{lc(4, 6), 0}, {lc(4, 5), 0}, {lc(5, 6), 1}, {lc(7, 3), 1}, {lc(9, 6), 1}, {lc(2, 1), -1}, {lc(10, 1), -1},
	} {
		if got := Locate(spans, tc.pos); got != tc.want {
			t.Errorf("Locate(%v) = %d, want %d", tc.pos, got, tc.want)
		}
	}
}

func TestSpansOfForeignText(t *testing.T) {
	p, err := model.Parse([]byte(cliExample), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(`{}`), p)
	if spans[0] != (model.Span{}) || Locate(spans, lc(1, 38)) != -1 {
		t.Fatalf("a text that is not the parsed document must locate nothing, got %v", spans)
	}
}

// TestNonASCIIColumns: after multi-byte characters, AWS's reported column (one
// character past the brace) and the parser's span, which reports and SARIF show,
// are the same column in characters (cmd/iamfuzz's TestStatementPositionsAgree
// checks the report and SARIF with the same document).
func TestNonASCIIColumns(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::ÄÖÜ/*"}, {"Effect":"Allow","Action":"*","Resource":"*"}]}`
	p, err := model.Parse([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(doc), p)
	open := strings.Index(doc, `{"Effect":"Allow","Action":"*"`)
	want := 1 + utf8.RuneCountInString(doc[:open])
	if spans[1].Start.Column != want || p.Statements[1].Span != spans[1] {
		t.Fatalf("span starts at column %d, want %d (characters)", spans[1].Start.Column, want)
	}
	start, _ := Reported(spans[1])
	if start != lc(1, want+1) || Locate(spans, start) != 1 {
		t.Fatalf("AWS would report %v, located %d", start, Locate(spans, start))
	}
}
