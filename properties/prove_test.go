package properties_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
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
