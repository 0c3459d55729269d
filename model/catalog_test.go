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
