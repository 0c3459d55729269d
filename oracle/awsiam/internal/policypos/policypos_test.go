package policypos

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// The AWS CLI's simulate-custom-policy example: the simulator reported
// StartPosition 1:38 and EndPosition 1:167 for this document's only statement.
const cliExample = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`

func TestReportedMatchesAWSExample(t *testing.T) {
	p, err := model.Parse([]byte(cliExample), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(cliExample), p)
	start, end := spans[0].Reported()
	if start != (Pos{1, 38}) || end != (Pos{1, 167}) {
		t.Fatalf("reported %v..%v, AWS reported 1:38..1:167", start, end)
	}
	if got := Locate(spans, Pos{1, 38}); got != 0 {
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
	if spans[0].Open != (Pos{4, 5}) {
		t.Fatalf("statement 0 opens at %v, want 4:5", spans[0].Open)
	}
	if spans[1].Open != (Pos{5, 5}) || spans[1].Close != (Pos{9, 5}) {
		t.Fatalf("statement 1 spans %v..%v, want 5:5..9:5", spans[1].Open, spans[1].Close)
	}
	for _, tc := range []struct {
		pos  Pos
		want int
	}{
		{Pos{4, 6}, 0}, {Pos{4, 5}, 0}, {Pos{5, 6}, 1}, {Pos{7, 3}, 1}, {Pos{9, 6}, 1}, {Pos{2, 1}, -1}, {Pos{10, 1}, -1},
	} {
		if got := Locate(spans, tc.pos); got != tc.want {
			t.Errorf("Locate(%v) = %d, want %d", tc.pos, got, tc.want)
		}
	}
	// Columns count characters: "Ä" is two bytes but one column.
	if got := At([]byte("\"Ä\"x"), 4); got != (Pos{1, 4}) {
		t.Fatalf("At after a two-byte character = %v, want 1:4", got)
	}
}

func TestSpansOfForeignText(t *testing.T) {
	p, err := model.Parse([]byte(cliExample), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spans := Spans([]byte(`{}`), p)
	if spans[0] != (Span{}) || Locate(spans, Pos{1, 38}) != -1 {
		t.Fatalf("a text that is not the parsed document must locate nothing, got %v", spans)
	}
}
