package oracle

import (
	"context"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func TestCompare(t *testing.T) {
	c := &model.Case{ID: "c"}
	allowed := Result{Decision: "allowed"}
	denied := Result{Decision: "implicitDeny"}
	known := []KnownDifference{{Class: "k", Match: func(_ *model.Case, a, b Result) bool { return a.Decision == "allowed" && b.Decision == "explicitDeny" }}}
	tests := []struct {
		name string
		a, b Result
		want Verdict
	}{
		{"same decision", allowed, allowed, Agree},
		{"different decision", allowed, denied, Disagree},
		{"a triaged class", allowed, Result{Decision: "explicitDeny"}, Known},
		{"UNDEF on one side, different", Result{Decision: "allowed", Undefined: []string{"type-mismatch"}}, denied, SkipUndef},
		{"UNDEF on one side, same", Result{Decision: "allowed", Undefined: []string{"type-mismatch"}}, allowed, Agree},
		{"dropped keys", allowed, Result{Decision: "implicitDeny", Dropped: []string{"s3:x"}}, SkipDropped},
		{"both errors", Result{Err: "x"}, Result{Err: "y"}, SkipError},
		{"one error", allowed, Result{Err: "y"}, ErrorOneSide},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compare(c, tc.a, tc.b, known).Verdict; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// flip is an oracle that answers the opposite of the model: a differential run
// against it must fail.
type flip struct{ m *Model }

func (f flip) Name() string { return "flip" }
func (f flip) Close() error { return nil }
func (f flip) Decide(ctx context.Context, cs []*model.Case) ([]Result, error) {
	rs, err := f.m.Decide(ctx, cs)
	for i := range rs {
		if rs[i].Decision == "allowed" {
			rs[i].Decision = "implicitDeny"
		} else if rs[i].Err == "" {
			rs[i].Decision = "allowed"
		}
	}
	return rs, err
}

func TestDiffFindsAWrongOracle(t *testing.T) {
	cases, err := model.LoadCaseFile("../corpus/cases/seed-000.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Diff(context.Background(), NewModel(), NewModel(), cases, 7, nil, nil)
	if err != nil || sum.Failed() || sum.Verdicts[Agree] != len(cases) {
		t.Fatalf("model vs model: %+v %v", sum, err)
	}
	sum, err = Diff(context.Background(), NewModel(), flip{NewModel()}, cases, 7, nil, nil)
	if err != nil || !sum.Failed() {
		t.Fatalf("model vs a flipped model must fail: %+v %v", sum, err)
	}
}
