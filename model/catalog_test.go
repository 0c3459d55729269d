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
