package model_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
)

// TestManagedPolicies runs the parser and the evaluator over every AWS managed
// policy: what AWS writes itself must parse, validate, marshal back identically
// (byte for byte, after removing white space) and decide requests without errors.
func TestManagedPolicies(t *testing.T) {
	pols, err := managed.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.MustLoad()
	rng := rand.New(rand.NewPCG(1, 2))
	var e model.Evaluator
	var res model.Result
	decided, unknownActions := 0, 0
	for _, mp := range pols {
		doc := []byte(mp.Document)
		p, err := model.ParseWith(doc, model.IdentityPolicy, model.ParseOptions{Catalog: cat})
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		for _, w := range p.Warnings {
			if w.Code == "unknown-action" {
				unknownActions++
			}
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, doc); err != nil {
			t.Fatal(err)
		}
		if got := p.Marshal(); !bytes.Equal(got, compact.Bytes()) {
			t.Errorf("%s: Marshal does not give the document back:\n got %.300s\nwant %.300s", mp.Name, got, compact.Bytes())
			continue
		}
		assertRoundTrip(t, mp.Name, p)
		b := &model.Bundle{Identity: []*model.Compiled{model.Compile(p)}}
		for _, r := range requestsFor(t, p, rng, 100) {
			e.Decide(b, r, &res)
			decided++
		}
	}
	if len(pols) < 1000 {
		t.Errorf("only %d managed policies", len(pols))
	}
	t.Logf("%d managed policies, %d decisions, %d unknown-action warnings", len(pols), decided, unknownActions)
}

// requestsFor makes n requests aimed at a policy: its own actions (wildcards
// filled in), its own resources (wildcards and variables filled in), and "*".
func requestsFor(t *testing.T, p *model.Policy, rng *rand.Rand, n int) []*model.Request {
	var actions, resources []string
	fill := func(s string) string {
		s = varRE.ReplaceAllStringFunc(s, func(v string) string {
			if strings.EqualFold(v, "${aws:username}") {
				return "alice"
			}
			if strings.EqualFold(v, "${aws:PrincipalAccount}") {
				return "111122223333"
			}
			return "v"
		})
		return strings.NewReplacer("*", "x", "?", "y").Replace(s)
	}
	for _, st := range p.Statements {
		for _, l := range []*model.StringList{st.Action, st.NotAction} {
			if l != nil {
				for _, a := range l.Values {
					if a == "*" {
						a = "s3:GetObject"
					}
					actions = append(actions, fill(a))
				}
			}
		}
		for _, l := range []*model.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for _, r := range l.Values {
					if r != "*" && strings.Count(r, ":") >= 5 {
						resources = append(resources, fill(r))
					}
				}
			}
		}
	}
	resources = append(resources, "*", "arn:aws:s3:::bucket/key")
	ctxs := []map[string]model.ContextValue{nil, {"aws:MultiFactorAuthPresent": model.Single("true")}, {"aws:SourceIp": model.Single("203.0.113.9"), "aws:PrincipalTag/team": model.Single("blue")}}
	out := make([]*model.Request, 0, n)
	for len(out) < n {
		a := actions[rng.IntN(len(actions))]
		r, err := model.NewRequest("arn:aws:iam::111122223333:user/alice", a, resources[rng.IntN(len(resources))], ctxs[rng.IntN(len(ctxs))])
		if err != nil {
			t.Fatalf("request %s: %v", a, err)
		}
		out = append(out, r)
	}
	return out
}

var varRE = regexp.MustCompile(`\$\{[^}]*\}`)
