package model_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const casesDir = "../corpus/cases"

// TestCorpusCases decides every case of corpus/cases and checks its expectation.
// The cases are readable JSON written from the rule book; each names its source.
func TestCorpusCases(t *testing.T) {
	cases, err := model.LoadCaseDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 150 {
		t.Fatalf("corpus has %d cases; the acceptance set needs at least 150", len(cases))
	}
	pc := &model.PolicyCache{}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s", filepath.Base(c.File), c.ID), func(t *testing.T) {
			t.Parallel()
			var e model.Evaluator
			o := c.Check(pc, &e)
			if o.Mismatch == "" {
				return
			}
			var b bytes.Buffer
			if r, err := c.BuildRequest(); err == nil {
				if bundle, err := c.Bundle(pc); err == nil {
					res, tr := e.Explain(bundle, r)
					model.WriteExplanation(&b, r, res, tr)
				}
			}
			t.Errorf("%s:%d (%s): %s\n%s", c.File, c.Line, c.Source, o.Mismatch, b.String())
		})
	}
}

// TestCorpusIDsUnique keeps case ids usable as names in reports.
func TestCorpusIDsUnique(t *testing.T) {
	cases, err := model.LoadCaseDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, c := range cases {
		where := fmt.Sprintf("%s:%d", c.File, c.Line)
		if prev, dup := seen[c.ID]; dup {
			t.Errorf("case id %q at %s is also used at %s", c.ID, where, prev)
		}
		seen[c.ID] = where
		if c.Source == "" {
			t.Errorf("case %q at %s has no source", c.ID, where)
		}
	}
}

// TestSeedPolicies checks that every seed policy parses, round-trips and that the
// Chinese page holds the same policy as the English one.
func TestSeedPolicies(t *testing.T) {
	files, _ := filepath.Glob("../corpus/policies/*.json")
	if len(files) < 5 {
		t.Fatalf("want the five seed policies, found %d", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := model.Parse(data, model.IdentityPolicy)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		assertRoundTrip(t, f, p)
	}
	en, _ := os.ReadFile("../corpus/policies/000-aws-mfa-self-manage.json")
	zh, _ := os.ReadFile("../corpus/policies/002-aws-mfa-self-manage-zh.json")
	pe, _ := model.Parse(en, model.IdentityPolicy)
	pz, _ := model.Parse(zh, model.IdentityPolicy)
	if pe == nil || pz == nil || !bytes.Equal(pe.Marshal(), pz.Marshal()) {
		t.Errorf("seeds 000 and 002 should hold the same policy")
	}
}

func assertRoundTrip(t *testing.T, name string, p *model.Policy) {
	t.Helper()
	m1 := p.Marshal()
	p2, err := model.Parse(m1, p.Type)
	if err != nil {
		t.Errorf("%s: marshalled document does not parse: %v\n%s", name, err, m1)
		return
	}
	if m2 := p2.Marshal(); !bytes.Equal(m1, m2) {
		t.Errorf("%s: parse∘marshal∘parse is not the identity:\n%s\n%s", name, m1, m2)
	}
}
