package properties_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
	"go.yaml.in/yaml/v3"
)

// The seed policies: AWS's examples are proved, the two broken ones fail
// (corpus/policies/README.md says why each is right or wrong).
func TestProveSeeds(t *testing.T) {
	want := map[string]string{
		"000-aws-mfa-self-manage":    properties.VerdictProved,
		"001-self-manage-no-mfa":     properties.VerdictFail,
		"002-aws-mfa-self-manage-zh": properties.VerdictProved,
		"003-blog-self-manage-mfa":   properties.VerdictFail,
		"004-aws-mfa-device-only":    properties.VerdictProved,
	}
	for name, verdict := range want {
		tg, err := properties.LoadTarget(filepath.Join("..", "corpus", "policies", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		rep := tg.Prove(context.Background(), properties.Options{})
		if rep.Verdict != verdict {
			t.Errorf("%s: verdict %s, want %s (unknown: %v)", name, rep.Verdict, verdict, rep.Coverage.Unknown)
		}
		if rep.Coverage.Classes == 0 || rep.Coverage.Groups == 0 || rep.Coverage.Principals == 0 {
			t.Errorf("%s: empty coverage %+v", name, rep.Coverage)
		}
	}
}

// The shapes of issue 10 that sampling from the policy's own literals missed
// (corpus/examples/proof/README.md): each breaking variant of AWS's example
// fails with the invariant it breaks; each correct one is proved.
func TestProofExamples(t *testing.T) {
	dir := filepath.Join("..", "corpus", "examples", "proof")
	data, err := os.ReadFile(filepath.Join(dir, "expect.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct{ Verdict, Invariant string }
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join("..", "corpus", "specs", "000-aws-mfa-self-manage.yaml")
	for name, w := range want {
		tg, err := properties.LoadTargetSpec(filepath.Join(dir, name+".json"), spec)
		if err != nil {
			t.Fatal(err)
		}
		rep := tg.Check(context.Background(), properties.Options{Seed: 1})
		if rep.Verdict != w.Verdict {
			t.Errorf("%s: verdict %s, want %s (not exact: %v)", name, rep.Verdict, w.Verdict, rep.Coverage.Unknown)
			continue
		}
		var got []string
		for _, f := range rep.BySeverity(properties.SeverityError) {
			got = append(got, f.Invariant)
		}
		if w.Invariant != "" && !slices.Contains(got, w.Invariant) {
			t.Errorf("%s: fails %v, want %s among them", name, got, w.Invariant)
		}
	}
}
