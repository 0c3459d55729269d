package partition

import (
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
