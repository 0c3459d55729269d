package fuzz

import (
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
	"pgregory.net/rapid"
)

// invariantTargets are the corpus policies that have their own spec in
// corpus/specs: the ones expected to hold their invariants (seeds 000, 002, 004).
// Seeds 001 and 003 break theirs on purpose and are covered by check's tests.
func invariantTargets(tb testing.TB) []*properties.Target {
	tb.Helper()
	specs, err := filepath.Glob(filepath.Join(corpusDir, "specs", "*.yaml"))
	if err != nil || len(specs) == 0 {
		tb.Fatalf("no specs in corpus/specs: %v", err)
	}
	var out []*properties.Target
	for _, s := range specs {
		base := filepath.Base(s)
		pol := filepath.Join(corpusDir, "policies", base[:len(base)-len(".yaml")]+".json")
		t, err := properties.LoadTargetSpec(pol, s)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, t)
	}
	return out
}

// FuzzInvariants runs the invariant properties (mfa-gate, owner-only, liveness)
// through rapid.MakeFuzz: the fuzzer's bytes drive rapid's choices, so coverage
// guides the search for a violation on the corpus policies.
func FuzzInvariants(f *testing.F) {
	targets := invariantTargets(f)
	prop := func(t *rapid.T) {
		tg := rapid.SampledFrom(targets).Draw(t, "policy")
		tg.RapidProperty()(t)
	}
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Fuzz(rapid.MakeFuzz(prop))
}
