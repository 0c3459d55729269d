package mutate

import (
	"context"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// An equivalent rewrite adds no access, and the comparison proves it; a semantic
// mutant that widens what the policy allows (the planted bug) shows new access.
func TestNoNewAccessOfRewrites(t *testing.T) {
	seed, err := properties.LoadTarget("../../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	eq, err := Equivalent(seed.Policy)
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() && len(eq) > 4 {
		eq = eq[:4]
	}
	for _, v := range eq {
		nt := properties.NewTarget(v.ID+".json", v.Policy, seed.Spec)
		d := properties.CompareAccess(context.Background(), nt, seed, seed.Path, 200, 1)
		if len(d.Findings) != 0 || !d.Proved {
			t.Errorf("%s (%s): %d findings, proved %v (%s)", v.ID, v.Description, len(d.Findings), d.Proved, d.Method)
		}
	}
	sem, err := Semantic(seed.Policy)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range sem {
		if v.Operator != "widen-resource" {
			continue
		}
		nt := properties.NewTarget(v.ID+".json", v.Policy, seed.Spec)
		d := properties.CompareAccess(context.Background(), nt, seed, seed.Path, 200, 1)
		if len(d.Findings) > 0 && d.Findings[0].Decision == model.Allowed {
			found = true
			break
		}
	}
	if !found {
		t.Error("no widened-resource mutant showed new access")
	}
}
