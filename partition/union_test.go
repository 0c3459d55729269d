package partition

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// A statement's Resource list is walked as one union without the patterns
// another includes (resources.go): the inclusion test must be exact, or a
// pattern that still matters would be dropped and classes lost.
func TestResourcePatternInclusion(t *testing.T) {
	cases := []struct {
		a, b string
		in   bool
	}{
		{"arn:aws:apigateway:*::/restapis/*/stages/*", "arn:aws:apigateway:*::/restapis/*", true},
		{"arn:aws:apigateway:*::/restapis", "arn:aws:apigateway:*::/restapis/*", false},
		{"arn:aws:s3:::bucket/a?c", "arn:aws:s3:::bucket/a*", true},
		{"arn:aws:s3:::bucket/a*", "arn:aws:s3:::bucket/a?c", false},
		// A '*' inside the first five segments stops at ':'; one that ends the
		// pattern does not (docs/semantics.md §4.2).
		{"arn:aws:ec2:us-*-1:*:vpc/*", "arn:aws:ec2:*:*:vpc/*", true},
		{"arn:aws:ec2:*:*:vpc/*", "arn:aws:ec2:us-*:*:vpc/*", false},
		{"arn:aws:iam::*:user/x", "arn:aws:iam::*:user/X", false},
	}
	for _, c := range cases {
		pa, pb := ParsePattern(c.a, PatResource, true), ParsePattern(c.b, PatResource, true)
		a, b := compile(GlobLang(pa.codes, GlobResource)), compile(GlobLang(pb.codes, GlobResource))
		if got := includes(a, b); got != c.in {
			t.Errorf("includes(%s, %s) = %v, want %v", c.a, c.b, got, c.in)
		}
		if c.in && !literalPrefixOf(pb.codes, pa.codes) {
			t.Errorf("literalPrefixOf(%s, %s) is false, but %s includes %s", c.b, c.a, c.b, c.a)
		}
	}
}

// Condition values on keys that are not the principal's are caller names only
// when a policy variable can carry a name into the request.
func TestNamesFromConditions(t *testing.T) {
	names := func(doc string) []string {
		e := &enumerator{p: &Problem{}}
		pol := mustParse(t, doc)
		e.stmts = readPolicy(0, pol)
		return e.names()
	}
	plain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"StringEquals":{"ec2:CreateAction":"CreateVpcEndpoint","aws:username":"bob"}}}]}`
	if got := names(plain); len(got) != 1 || got[0] != "bob" {
		t.Errorf("without variables: names %v, want [bob]", got)
	}
	withVar := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"StringEquals":{"ec2:CreateAction":"CreateVpcEndpoint","aws:RequestTag/owner":"${aws:username}"}}}]}`
	if got := names(withVar); len(got) != 1 || got[0] != "CreateVpcEndpoint" {
		t.Errorf("with a variable: names %v, want [CreateVpcEndpoint]", got)
	}
}

func mustParse(t *testing.T, doc string) *model.Policy {
	t.Helper()
	p, err := model.Parse([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sortedClasses enumerates p and returns its classes, each as principal,
// action, resource and context, sorted, so that two enumerations compare
// whatever order their groups and walks take.
func sortedClasses(p *Problem) ([]string, *Coverage) {
	var out []string
	cov := Enumerate(context.Background(), p, func(c *Class) bool {
		out = append(out, fmt.Sprint(c.Principal, c.Action, c.Resource, c.Context))
		return true
	})
	slices.Sort(out)
	return out, cov
}

// A policy whose walks would outrun the total budget stops early with an
// unknown that names the budget, instead of running on.
func TestTotalBudgetStopsWithUnknown(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":["arn:aws:s3:::a*b*c*/x*","arn:aws:s3:::*d*e/*f*"]}]}`
	cat := catalog.MustLoad()
	run := func(total int) *Coverage {
		p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, TotalBudget: total}
		return Enumerate(context.Background(), p, func(*Class) bool { return true })
	}
	if c := run(0); !c.Exact() {
		t.Fatalf("with the default budget the policy is covered exactly; unknown: %v", c.Unknown)
	}
	c := run(50)
	if c.Exact() {
		t.Fatal("a total budget of 50 states covered everything")
	}
	if !strings.Contains(strings.Join(c.Unknown, "\n"), "total budget of 50 states") {
		t.Errorf("the unknown does not name the total budget: %v", c.Unknown)
	}
}
