package replay

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// handWritten is a case as people write them: an object policy with whitespace
// and an RCP level.
func handWritten(id string) *model.Case {
	doc := jsontext.Value("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:GetUser\", \"Resource\": \"*\"}]\n}")
	return &model.Case{ID: id,
		Policies: model.CasePolicies{Identity: []jsontext.Value{doc}, RCP: [][]jsontext.Value{{doc}}},
		Request:  model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice", Action: "iam:GetUser", Resource: "*"}}
}

func recordOf(t *testing.T, c *model.Case) *Record {
	t.Helper()
	r, err := NewRecord(c, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	r.Decision, r.RecordedFrom, r.AskedAt, r.SDK = "allowed", "AWS SimulateCustomPolicy", "2026-01-02T00:00:00Z", "test"
	return r
}

// TestHandWrittenCaseReplays: the recorder wrote object policies compacted while
// the key hashed the text sent, so every record of a hand-written case was refused
// on replay (and with it the whole folder).
func TestHandWrittenCaseReplays(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, dir, "aws-2026-01-02.jsonl", recordOf(t, handWritten("h")))
	o, err := Open(dir, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	res, err := o.Decide(context.Background(), []*model.Case{handWritten("again")})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Decision != "allowed" {
		t.Errorf("replayed %+v", res[0])
	}
}

// TestTornLastLine: a run killed mid-write (SIGTERM, a full disk) leaves a torn
// last line. Replay reports it and keeps the records before it; the recorder
// starts its next record on a line of its own.
func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, dir, "aws-2026-01-02.jsonl", recordOf(t, testCase("a")))
	path := filepath.Join(dir, "aws-2026-01-02.jsonl")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":"torn","policies":{"identity":["{\"Vers`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	o, err := Open(dir, OpCustom)
	if err != nil {
		t.Fatalf("a torn last line refused the folder: %v", err)
	}
	if o.Len() != 1 || len(o.Warnings()) != 1 {
		t.Errorf("%d records, warnings %q; want 1 record and 1 warning", o.Len(), o.Warnings())
	}

	// The next run appends after the torn line, not onto it.
	rec, err := NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec.now = func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) }
	if err := rec.Write(recordOf(t, handWritten("h"))); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	o, err = Open(dir, OpCustom)
	if err != nil {
		t.Fatalf("after a torn line: %v", err)
	}
	if o.Len() != 2 || len(o.Warnings()) != 1 {
		t.Errorf("%d records, warnings %q; want 2 records and 1 warning", o.Len(), o.Warnings())
	}

	// A malformed line in the middle is still an error: it is not a torn write.
	mid := t.TempDir()
	if err := os.WriteFile(filepath.Join(mid, "aws-x.jsonl"), []byte("{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(mid, OpCustom); err == nil {
		t.Error("a malformed complete line was accepted")
	}
}
