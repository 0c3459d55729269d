package mutate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/mutate"
)

// seedPolicies are the policies whose mutants the differential property uses.
var seedPolicies = []string{
	awsExample,
	"../../corpus/policies/002-aws-mfa-self-manage-zh.json",
	"../../corpus/policies/004-aws-mfa-device-only.json",
	"../../corpus/policies/003-blog-self-manage-mfa.json",
}

// envInt reads a budget from the environment (the nightly run raises it).
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// contradictions runs the differential property between the two engines on the
// semantic mutants of the seed policies and on second-order mutants (a mutant of
// a mutant, up to IAMFUZZ_PROOF_SECOND per seed): whenever random sampling finds
// a violation, the proof engine must not say proved. It returns the mutants where
// it did.
func contradictions(t *testing.T) (out []string, compared, sampledFails int) {
	checks := envInt("IAMFUZZ_PROOF_CHECKS", 2000)
	second := envInt("IAMFUZZ_PROOF_SECOND", 2)
	check := func(tg *properties.Target, id string) {
		compared++
		s := tg.Run(context.Background(), properties.Options{Seed: 11, Checks: checks, StopAtFirst: true, NoMinimize: true})
		if !s.Failed() {
			return
		}
		sampledFails++
		if p := tg.Prove(context.Background(), properties.Options{NoMinimize: true, StopAtFirst: true, EnumerateOnly: true}); p.Verdict == properties.VerdictProved {
			out = append(out, fmt.Sprintf("%s: sampling found %s, the proof engine says proved", id, s.Findings[0].Error()))
		}
	}
	for _, path := range seedPolicies {
		base := load(t, path)
		ms, err := mutate.Semantic(base.Policy)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range ms {
			tg := mutantTarget(base, m)
			check(tg, filepath.Base(path)+"#"+m.ID)
			if i%max(1, len(ms)/second) != 0 {
				continue
			}
			ms2, err := mutate.Semantic(m.Policy)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < len(ms2); j += max(1, len(ms2)/4) {
				check(mutantTarget(tg, ms2[j]), filepath.Base(path)+"#"+m.ID+"#"+ms2[j].ID)
			}
		}
	}
	return out, compared, sampledFails
}

// Every semantic mutant that breaks an invariant is caught by the proof engine
// too (mutation score 100 % on AWS's policy), and every equivalent rewrite of
// AWS's example is still proved.
func TestProofMutationScoreAndRewrites(t *testing.T) {
	base := load(t, awsExample)
	ms, err := mutate.Semantic(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	breaking, caught := 0, 0
	for _, m := range ms {
		tg := mutantTarget(base, m)
		tr := groundTruth(tg)
		rep := tg.Prove(context.Background(), properties.Options{NoMinimize: true})
		if len(tr) > 0 {
			breaking++
			if rep.Verdict == properties.VerdictFail {
				caught++
			} else {
				t.Errorf("%s breaks %v but the proof engine says %s", m.ID, tr.invariants(), rep.Verdict)
			}
		}
	}
	t.Logf("proof engine mutation score: %d/%d", caught, breaking)
	rws, err := mutate.Equivalent(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	for _, rw := range rws {
		if rep := mutantTarget(base, rw).Prove(context.Background(), properties.Options{}); rep.Verdict != properties.VerdictProved {
			t.Errorf("equivalent rewrite %s: verdict %s (%v)", rw.ID, rep.Verdict, rep.Coverage.Unknown)
		}
	}
}
