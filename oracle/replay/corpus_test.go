package replay

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// The committed records (corpus/recorded) are what CI replays. Every record must
// load (its case still hashes to its key), sit in a file whose name says who
// answered, and replay to exactly its own answer. Against AWS's answers
// (aws-*.jsonl) the model must agree wherever the comparison is defined: a
// difference there is a regression against ground truth. Answers recorded from a
// local endpoint (not-aws-*.jsonl) are the model's own past answers; a difference
// there only means the model changed since, and is reported in the log.
func TestCommittedRecords(t *testing.T) {
	dir := filepath.Join("..", "..", "corpus", "recorded")
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed records in %s (%v)", dir, err)
	}
	o, err := Open(dir, OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	m := oracle.NewModel()
	for _, f := range files {
		fromAWS := strings.HasPrefix(filepath.Base(f), "aws-")
		recs, err := model.LoadCaseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range recs {
			rec, err := o.Lookup(c)
			if err != nil {
				t.Errorf("%s:%d: %v", f, c.Line, err)
				continue
			}
			if rec.FromAWS() != fromAWS {
				t.Errorf("%s:%d: recordedFrom %q in a file named %s", f, c.Line, rec.RecordedFrom, filepath.Base(f))
			}
			if rec.AskedAt == "" || rec.SDK == "" || rec.Operation != OpCustom {
				t.Errorf("%s:%d: incomplete record", f, c.Line)
			}
		}
		replayed, _ := o.Decide(context.Background(), recs)
		decided, _ := m.Decide(context.Background(), recs)
		differ := 0
		for i, c := range recs {
			cmp := oracle.Compare(c, decided[i], replayed[i], nil)
			if cmp.Verdict != oracle.Disagree && cmp.Verdict != oracle.ErrorOneSide {
				continue
			}
			differ++
			if fromAWS {
				t.Errorf("%s:%d %s: the model says %s%s, AWS said %s%s", f, c.Line, c.ID, decided[i].Decision, decided[i].Err, replayed[i].Decision, replayed[i].Err)
			} else {
				t.Logf("%s:%d %s: the model now says %s%s, it said %s%s when recorded", f, c.Line, c.ID, decided[i].Decision, decided[i].Err, replayed[i].Decision, replayed[i].Err)
			}
		}
		t.Logf("%s: %d records, %d differ from the model", filepath.Base(f), len(recs), differ)
	}
}
