package partition

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// The catalogue index's match sets (actionindex.go) must be exactly what
// globFold says of every action, the first time and from the cache: a wrong
// bit would put an action in another group and its classes would never be
// decided.
func TestActionIndexMatchesGlob(t *testing.T) {
	x := indexOf(catalog.MustLoad())
	for _, pt := range []string{"iam:*", "IAM:get*", "iam:?etUser", "*", "s3:*Object*", "sts:GetCallerIdentity", "nosuch:*", "iam:ChangePassword",
		"\u212Ams:*", "Iam:GetUser", "iam", "iam:", ":*", "*:GetUser", "i?m:GetUser"} {
		for round := range 2 { // built, then cached
			bits, n := x.matches(pt), 0
			for i, name := range x.names {
				if hasBit(bits, i) != globFold(pt, name) {
					t.Fatalf("round %d: pattern %s, action %s: index says %v", round, pt, name, hasBit(bits, i))
				}
				if hasBit(bits, i) {
					n++
				}
			}
			if pt == "iam:*" && n < 100 {
				t.Fatalf("iam:* matched %d actions", n)
			}
		}
	}
}

// ranks finds the actions a problem names among their service's only: the
// same as lower-casing every catalogue name.
func TestActionIndexRanks(t *testing.T) {
	x := indexOf(catalog.MustLoad())
	rank := map[string]int{"iam:getuser": 1, "s3:getobject": 2, "nosuch:x": 3, "iam": 4, "kms:decrypt": 5}
	got := x.ranks(rank)
	for i, name := range x.names {
		if want := rank[strings.ToLower(name)]; got[i] != want {
			t.Fatalf("%s: rank %d, want %d", name, got[i], want)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d actions ranked, want 3: %v", len(got), got)
	}
}

// NamedFirst changes the order of the groups only: the classes visited are
// the same, and the first group visited holds an action the policy names.
func TestNamedFirstVisitsTheSameClasses(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:GetUser","s3:List*"],"Resource":"*"},
		{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	cat := catalog.MustLoad()
	run := func(named bool) (classes []string, first string, cov *Coverage) {
		p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, NamedFirst: named,
			ActionLists: []ActionList{{Name: "allow-without-mfa", Patterns: []string{"iam:ChangePassword"}}}}
		cov = Enumerate(context.Background(), p, func(c *Class) bool {
			if first == "" {
				first = c.Action
			}
			classes = append(classes, fmt.Sprint(c.Principal, c.Action, c.Resource, c.Context))
			return true
		})
		sort.Strings(classes)
		return classes, first, cov
	}
	plain, _, cp := run(false)
	named, first, cn := run(true)
	if cp.Classes != cn.Classes || len(plain) != len(named) {
		t.Fatalf("classes: %d in catalogue order, %d named first", cp.Classes, cn.Classes)
	}
	for i := range plain {
		if plain[i] != named[i] {
			t.Fatalf("class %d differs: %s / %s", i, plain[i], named[i])
		}
	}
	if first != "iam:ChangePassword" {
		t.Errorf("named first: the first class's action is %s, want iam:ChangePassword (the first action named)", first)
	}
}
