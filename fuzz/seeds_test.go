package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
)

const corpusDir = "../corpus"

// corpusCases loads corpus/cases through the shared loader.
func corpusCases(tb testing.TB) []*model.Case {
	tb.Helper()
	cases, err := model.LoadCaseDir(filepath.Join(corpusDir, "cases"))
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// policySeeds returns every policy document the corpus holds: the seed policies,
// the policies of the cases, and AWS's managed policies.
func policySeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	files, _ := filepath.Glob(filepath.Join(corpusDir, "policies", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	for _, c := range corpusCases(tb) {
		for _, v := range c.Policies.Identity {
			if t, err := model.PolicyText(v, c.Dir); err == nil {
				out = append(out, t)
			}
		}
	}
	mps, err := managed.Load()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mp := range mps {
		out = append(out, []byte(mp.Document))
	}
	return out
}
