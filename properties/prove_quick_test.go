package properties_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// A proof that stops at its first error may end on one of the early requests
// (prove_quick.go). Its fail must be a real counterexample: deciding and judging
// the reported request again gives the same finding, explained and minimized as
// the enumeration's are; the enumeration alone fails the same policies; and
// policies without a counterexample are still proved by the full enumeration.
func TestQuickFailIsACounterexample(t *testing.T) {
	seeds := filepath.Join("..", "corpus", "policies")
	proof := filepath.Join("..", "corpus", "examples", "proof")
	cases := map[string]string{
		filepath.Join(seeds, "000-aws-mfa-self-manage.json"):  properties.VerdictProved,
		filepath.Join(seeds, "001-self-manage-no-mfa.json"):   properties.VerdictFail,
		filepath.Join(seeds, "003-blog-self-manage-mfa.json"): properties.VerdictFail,
		filepath.Join(seeds, "004-aws-mfa-device-only.json"):  properties.VerdictProved,
		filepath.Join(proof, "username-as-path.json"):         properties.VerdictFail,
		filepath.Join(proof, "principal-tag-names-user.json"): properties.VerdictFail,
		filepath.Join(proof, "mfa-deny-exempts-network.json"): properties.VerdictFail,
		filepath.Join(proof, "ok-mfa-deny-any-user.json"):     properties.VerdictProved,
	}
	quick := 0
	for path, want := range cases {
		tg, err := properties.LoadTarget(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range []uint64{1, 2} {
			rep := tg.Prove(context.Background(), properties.Options{StopAtFirst: true, Seed: seed})
			alone := tg.Prove(context.Background(), properties.Options{StopAtFirst: true, EnumerateOnly: true})
			if rep.Verdict != want {
				t.Errorf("%s seed %d: verdict %s, want %s", path, seed, rep.Verdict, want)
			}
			if rep.Verdict != alone.Verdict {
				t.Errorf("%s seed %d: verdict %s, the enumeration alone %s", path, seed, rep.Verdict, alone.Verdict)
			}
			if rep.Coverage == nil {
				t.Fatalf("%s: no coverage", path)
			}
			if rep.Verdict != properties.VerdictFail {
				continue
			}
			if rep.FirstError == 0 || rep.FirstErrorAfter <= 0 {
				t.Errorf("%s: fail without a first error (%d, %v)", path, rep.FirstError, rep.FirstErrorAfter)
			}
			if rep.Coverage.Classes == 0 {
				quick++
				if !rep.Coverage.Stopped || rep.Coverage.Exact() || rep.Coverage.Groups == 0 {
					t.Errorf("%s: an early fail's coverage %+v", path, rep.Coverage)
				}
			}
			for _, v := range rep.BySeverity(properties.SeverityError) {
				res := tg.Decide(v.Request)
				again := false
				for _, w := range tg.Judge(v.Request, &res) {
					again = again || w.Key() == v.Key()
				}
				if !again {
					t.Errorf("%s: the reported request does not break %s again: %s", path, v.Invariant, tg.Describe(v))
				}
				if v.Reason == "" || tg.ReplayCommand(v) == "" {
					t.Errorf("%s: finding not explained: %s", path, tg.Describe(v))
				}
			}
		}
	}
	if quick == 0 {
		t.Error("no run ended on an early request: the test compared only enumerations")
	}
}
