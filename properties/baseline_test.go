package properties

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const baselineDir = "../corpus/examples/baseline"

func compareFiles(t *testing.T, newFile, oldFile string) *AccessDiff {
	t.Helper()
	n, err := LoadTarget(filepath.Join(baselineDir, "new", newFile))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := LoadPolicyFile(filepath.Join(baselineDir, "old", oldFile), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	o := NewTargetIn(pf.Path, pf.Policy, GeneralSpec(), nil)
	return CompareAccess(context.Background(), n, o, pf.Path, 1000, 3)
}

// An equivalent rewrite adds no access (proved by the partition of both
// versions); widening a region and adding an action
// does (the planted bug of no-new-access), each finding with the new statement.
func TestCompareAccess(t *testing.T) {
	if d := compareFiles(t, "reports-reader.json", "reports-reader.json"); len(d.Findings) != 0 || !d.Proved || d.Decided == 0 {
		t.Errorf("equivalent rewrite: %d findings, proved %v, %d decided", len(d.Findings), d.Proved, d.Decided)
	}
	d := compareFiles(t, "log-writer.json", "log-writer.json")
	got := map[string]bool{}
	for _, f := range d.Findings {
		got[f.Rule] = true
		for _, a := range f.Also {
			got[a] = true
		}
		if !errors.Is(f, ErrNoNewAccess) || f.Decision != model.Allowed || f.Statement == nil || f.Statement.Sid != "WriteLogs" {
			t.Errorf("finding %+v", f)
		}
	}
	for _, want := range []string{"logs:DeleteLogGroup", "logs:PutLogEvents", "logs:CreateLogStream"} {
		if !got[want] {
			t.Errorf("%s not found; got %v", want, got)
		}
	}
	if !d.Proved {
		t.Errorf("not proved: %s", d.Method)
	}
	// Comparing a version with itself finds nothing.
	if d := compareFiles(t, "log-writer.json", "../new/log-writer.json"); len(d.Findings) != 0 {
		t.Errorf("self: %v", d.Findings)
	}
}
