package partition

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// An enumeration with more classes than Problem.MaxClasses decides that many
// and stops with an unknown that names the budget; one within it is exact.
func TestClassBudgetStopsWithUnknown(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a*/x*"}]}`
	cat := catalog.MustLoad()
	run := func(max int) (*Coverage, int) {
		p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, Accounts: []string{"111122223333"}, MaxClasses: max}
		n := 0
		c := Enumerate(context.Background(), p, func(*Class) bool { n++; return true })
		return c, n
	}
	all, n := run(0)
	if !all.Exact() || n != all.Classes {
		t.Fatalf("with the default budget the policy is covered exactly (%d of %d classes); unknown: %v", n, all.Classes, all.Unknown)
	}
	c, m := run(n - 1)
	if c.Exact() || m != n-1 || c.Classes != n-1 {
		t.Fatalf("a budget of %d classes of %d: exact %v, %d visited", n-1, n, c.Exact(), m)
	}
	if !strings.Contains(strings.Join(c.Unknown, "\n"), fmt.Sprintf("budget of %d classes", n-1)) {
		t.Errorf("the unknown does not name the class budget: %v", c.Unknown)
	}
	if c, _ := run(n); !c.Exact() {
		t.Errorf("a budget of exactly the %d classes must cover them: %v", n, c.Unknown)
	}
}

// The values tried for coupled keys (policy variables read from the request)
// are every combination up to Problem.MaxAssignments; past it, every key the
// same value, then each key alone, and the unknown says so.
func TestAssignmentsBounded(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::${aws:PrincipalTag/a}/${aws:PrincipalTag/b}/${aws:PrincipalTag/c}/bob"}]}`
	p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: catalog.MustLoad(), MaxAssignments: 1000}
	e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}}
	for i, pol := range p.Policies {
		e.stmts = append(e.stmts, readPolicy(i, pol)...)
	}
	pr := Principal{Kind: UserPrincipal, Account: "111122223333", Name: "alice"}
	keys := []string{"aws:principaltag/a", "aws:principaltag/b", "aws:principaltag/c"}
	vals := e.coupledValues(pr, keys[0])
	n := len(vals)
	if got := e.assignments(pr, keys); len(got) != n*n*n {
		t.Fatalf("%d combinations within the bound, want %d", len(got), n*n*n)
	}
	if strings.Contains(strings.Join(e.cov.Unknown, "\n"), "combinations") {
		t.Errorf("within the bound no combination is left out: %v", e.cov.Unknown)
	}
	p.MaxAssignments = n*n*n - 1
	got := e.assignments(pr, keys)
	if want := n + 3*(n-1); len(got) != want {
		t.Fatalf("%d assignments past the bound, want %d (all alike, then each alone)", len(got), want)
	}
	for i, v := range vals {
		for _, k := range keys {
			if w, ok := got[i][k]; ok != (v != nil) || (ok && w.Values[0] != *v) {
				t.Fatalf("assignment %d does not give every key %v: %v", i, v, got[i])
			}
		}
	}
	if !strings.Contains(strings.Join(e.cov.Unknown, "\n"), fmt.Sprintf("more than %d combinations", n*n*n-1)) {
		t.Errorf("the unknown does not say combinations were left out: %v", e.cov.Unknown)
	}
	p.MaxAssignments = 5
	if got := e.assignments(pr, keys); len(got) != 5 {
		t.Errorf("%d assignments, want the bound 5", len(got))
	}
}
