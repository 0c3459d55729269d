package partition

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// A cached grouping is the one groups would compute, and problems that differ
// in anything groups reads (a pattern, NotAction, a list, the lists' order) do
// not share one.
func TestGroupingCacheKeysWhatGroupsReads(t *testing.T) {
	cat := catalog.MustLoad()
	mk := func(doc string, lists ...ActionList) *Problem {
		return &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, ActionLists: lists}
	}
	base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:List*"],"Resource":"*"}]}`
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:Get*"],"Resource":"*"}]}`
	not := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:GetUser","s3:List*"],"Resource":"*"}]}`
	cond := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:List*"],"Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	l1 := ActionList{Name: "a", Patterns: []string{"iam:ChangePassword"}}
	l2 := ActionList{Name: "b", Patterns: []string{"iam:GetUser"}}
	problems := map[string]*Problem{
		"base": mk(base), "other pattern": mk(other), "NotAction": mk(not),
		"one list": mk(base, l1), "two lists": mk(base, l1, l2), "lists swapped": mk(base, l2, l1),
	}
	fresh := func(p *Problem) []*Group {
		e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}}
		for i, pol := range p.Policies {
			e.stmts = append(e.stmts, readPolicy(i, pol)...)
		}
		return e.computeGroups(indexOf(cat))
	}
	got := map[string][]*Group{}
	for name, p := range problems {
		want := fresh(p)
		for round := range 2 { // computed, then from the cache
			gs := ActionGroups(p)
			if !reflect.DeepEqual(gs, want) {
				t.Fatalf("%s, round %d: the grouping differs from a fresh one", name, round)
			}
		}
		got[name] = ActionGroups(p)
	}
	for a, ga := range got {
		for b, gb := range got {
			if a < b && &ga[0] == &gb[0] {
				t.Errorf("%s and %s share a cached grouping", a, b)
			}
		}
	}
	// A statement that differs only in its resource and conditions has the
	// same grouping, from the cache.
	if c, b := ActionGroups(mk(cond)), got["base"]; &c[0] != &b[0] {
		t.Errorf("a problem with the same action patterns did not reuse the grouping")
	}
}

// computeGroups gives the groups the plain way of grouping gives (every
// action's signature read, every template added), for policies with named,
// ranked, wildcard and NotAction actions, with and without lists.
func TestComputeGroupsIsPlain(t *testing.T) {
	cat := catalog.MustLoad()
	docs := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","s3:List*"],"Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","s3:Get*"],"Resource":"*"},{"Effect":"Deny","Action":["ec2:Describe*","iam:CreateUser","s3:GetObject"],"Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["*:Get*","iam:List*","sts:GetSessionToken","iam:DeactivateMFADevice"],"Resource":"*"}]}`,
	}
	lists := [][]ActionList{nil, {{Name: "a", Patterns: []string{"iam:ChangePassword", "s3:PutObject", "ec2:*"}}, {Name: "b", Patterns: []string{"iam:GetUser", "kms:Decrypt"}}}}
	for i, doc := range docs {
		for j, l := range lists {
			p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, ActionLists: l}
			e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}}
			for k, pol := range p.Policies {
				e.stmts = append(e.stmts, readPolicy(k, pol)...)
			}
			got, want := e.computeGroups(indexOf(cat)), e.plainGroups(indexOf(cat))
			if len(want) < 2 {
				t.Fatalf("policy %d, lists %d: %d groups: the case tells nothing", i, j, len(want))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("policy %d, lists %d: %d groups, %d the plain way, or their contents differ", i, j, len(got), len(want))
			}
		}
	}
}

// plainGroups is computeGroups as it was before it skipped neighbours and
// repeated templates (issue 15), kept as the reference; what both group
// (groupInputs) was not changed, so they share it.
func (e *enumerator) plainGroups(x *actionIndex) []*Group {
	bySig := map[string]*Group{}
	var out []*Group
	rank, sets := e.groupInputs(x)
	var ranks []int
	if len(rank) > 0 {
		ranks = make([]int, len(x.acts))
		for i, r := range x.ranks(rank) {
			ranks[i] = r
		}
	}
	sig, prev := make([]byte, len(sets)), make([]byte, len(sets))
	var g *Group
	for ai, a := range x.acts {
		name := x.names[ai]
		for i, set := range sets {
			sig[i] = boolByte(hasBit(set, ai))
		}
		// Neighbours in the catalogue (one service's actions) mostly share
		// their group: the map is asked only when the signature changes.
		ok := g != nil && string(sig) == string(prev)
		if !ok {
			g, ok = bySig[string(sig)]
			copy(prev, sig)
		}
		if !ok {
			g = e.newGroup(sig)
			bySig[string(sig)] = g
			out = append(out, g)
		}
		g.Actions = append(g.Actions, name)
		r := 0
		if ranks != nil {
			r = ranks[ai]
		}
		if a.TakesNoResource() {
			g.addTemplate("*", name, r)
		}
		for _, rt := range a.ResourceTypes {
			for _, t := range rt.ARNTemplates {
				g.addTemplate(t, name, r)
			}
		}
	}
	for _, g := range out {
		g.finishTemplates()
	}
	return out
}

// changes marks exactly the actions that differ from the one before them in
// some set, across word boundaries too.
func TestChangesMarksEveryDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		sets := make([][]uint64, 1+round%4)
		for i := range sets {
			sets[i] = make([]uint64, 3)
			for w := range sets[i] {
				// Long runs of equal bits, as in the catalogue, and words of
				// all ones or zeros so that changes sit at word boundaries.
				switch rng.IntN(3) {
				case 0:
					sets[i][w] = rng.Uint64() & rng.Uint64() & rng.Uint64()
				case 1:
					sets[i][w] = ^uint64(0)
				}
			}
		}
		for ai := 1; ai < 3*64; ai++ {
			want := false
			for _, set := range sets {
				want = want || hasBit(set, ai) != hasBit(set, ai-1)
			}
			if got := changes(sets, ai/64)&(1<<(ai%64)) != 0; got != want {
				t.Fatalf("round %d, action %d: changed %v, want %v", round, ai, got, want)
			}
		}
	}
}
