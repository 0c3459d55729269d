package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// countingCatalog knows no action and counts the suggestions asked of it.
type countingCatalog struct{ suggestions int }

func (c *countingCatalog) LookupAction(string) (string, bool) { return "", false }
func (c *countingCatalog) KnownService(string) bool           { return true }
func (c *countingCatalog) SuggestAction(a string) (string, bool) {
	c.suggestions++
	return a + "s", true
}
func (c *countingCatalog) ResourceFits(string, string) (bool, bool) { return false, false }
func (c *countingCatalog) ResourceTypesOf(string) string            { return "" }

// TestSuggestionsAreCapped: unknown actions are warned about up to
// model.MaxWarnings (the rest counted in a last warning), and only the first few
// get a "did you mean" (each may scan the whole catalogue).
func TestSuggestionsAreCapped(t *testing.T) {
	var acts []string
	for i := range 200 {
		acts = append(acts, fmt.Sprintf("%q", fmt.Sprintf("iam:Nope%d", i)))
	}
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[` + strings.Join(acts, ",") + `],"Resource":"*"}}`
	cat := &countingCatalog{}
	p, err := model.ParseWith([]byte(doc), model.IdentityPolicy, model.ParseOptions{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	hinted := 0
	for _, w := range p.Warnings {
		if strings.Contains(w.Msg, "did you mean") {
			hinted++
		}
	}
	if len(p.Warnings) != model.MaxWarnings+1 || p.Warnings[model.MaxWarnings].Code != "warnings-truncated" || hinted == 0 || hinted > 16 || cat.suggestions != hinted {
		t.Errorf("%d warnings, %d with a hint, %d suggestions asked; want %d warnings, a count, and at most 16 hints", len(p.Warnings), hinted, cat.suggestions, model.MaxWarnings)
	}
}

// TestUnknownActionsWarnedOncePerName: an unknown action is warned about once,
// however often and in whatever case the policy names it, below and beyond the
// count at which lintActions stops comparing names one by one and hashes them.
func TestUnknownActionsWarnedOncePerName(t *testing.T) {
	for _, n := range []int{3, 16, 17, 40} {
		var first, again []string
		for i := range n {
			first = append(first, fmt.Sprintf("%q", fmt.Sprintf("iam:Nope%d", i)))
			again = append(again, fmt.Sprintf("%q", fmt.Sprintf("IAM:nOPE%d", n-1-i)))
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + strings.Join(first, ",") + `],"Resource":"*"},` +
			`{"Effect":"Deny","Action":[` + strings.Join(again, ",") + `,` + strings.Join(first, ",") + `],"Resource":"*"}]}`
		p, err := model.ParseWith([]byte(doc), model.IdentityPolicy, model.ParseOptions{Catalog: &countingCatalog{}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, w := range p.Warnings {
			if w.Code != "unknown-action" {
				continue
			}
			if seen[strings.ToLower(w.Msg)] || !strings.HasPrefix(w.Path, "Statement[0]") {
				t.Errorf("%d names: warned again at %s: %s", n, w.Path, w.Msg)
			}
			seen[strings.ToLower(w.Msg)] = true
		}
		if len(seen) != min(n, model.MaxWarnings) {
			t.Errorf("%d names: %d warned about", n, len(seen))
		}
	}
}

// askingCatalog knows the services iam and s3 and the action s3:GetObject (in any
// case), and counts what it is asked.
type askingCatalog struct{ services, lookups int }

func (c *askingCatalog) LookupAction(a string) (string, bool) {
	c.lookups++
	if strings.EqualFold(a, "s3:GetObject") {
		return "s3:GetObject", true
	}
	return "", false
}
func (c *askingCatalog) KnownService(p string) bool {
	c.services++
	return strings.EqualFold(p, "iam") || strings.EqualFold(p, "s3")
}
func (c *askingCatalog) SuggestAction(a string) (string, bool)    { return "", false }
func (c *askingCatalog) ResourceFits(string, string) (bool, bool) { return false, false }
func (c *askingCatalog) ResourceTypesOf(string) string            { return "" }

// TestPolicyCacheLintMemo: a PolicyCache remembers what its catalogue said of
// each action name across policies (docs/performance.md, "eval, eighth pass"),
// and every policy still gets ParseWith's warnings, once per name and in the
// same order, whichever policy named the action first.
func TestPolicyCacheLintMemo(t *testing.T) {
	docs := []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Nope","s3:GetObject","zz:Thing","IAM:NOPE","s3:Get*"],"Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:getobject","Resource":"*"},{"Effect":"Allow","Action":["zz:Thing","iam:Nope","iam:NOPE","ZZ:thing"],"Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:nope","s3:GetObject"],"Resource":"*"}}`,
	}
	pc := &model.PolicyCache{Catalog: &askingCatalog{}}
	for i, doc := range docs {
		want, err := model.ParseWith([]byte(doc), model.IdentityPolicy, model.ParseOptions{Catalog: &askingCatalog{}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := pc.Compile([]byte(doc), model.IdentityPolicy)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.Policy.Warnings) != fmt.Sprint(want.Warnings) {
			t.Errorf("policy %d: warnings\n%v\nwant\n%v", i, got.Policy.Warnings, want.Warnings)
		}
		if len(want.Warnings) == 0 {
			t.Errorf("policy %d: no warnings to compare", i)
		}
	}
	// Nine distinct spellings in all, six of a known service without a
	// wildcard: the catalogue is asked once about each.
	cat := pc.Catalog.(*askingCatalog)
	if cat.services != 9 || cat.lookups != 6 {
		t.Errorf("catalogue asked %d services and %d actions; want 9 and 6 (once a spelling)", cat.services, cat.lookups)
	}
}
