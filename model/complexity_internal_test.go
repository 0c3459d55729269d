package model

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// The tests below bound work by counting steps (comparisons), never time: each
// hostile shape must cost O(n), not O(n²) (issue 14: 20,000 condition keys took
// 5.7 s, 20,000 × 20,000 ForAnyValue values 3.8 s).

func conditionPolicy(n int, op string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{%q:{`, op)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"aws:PrincipalTag/k%d":"v"`, i)
	}
	b.WriteString(`}}}]}`)
	return []byte(b.String())
}

func TestManyConditionKeysLinear(t *testing.T) {
	for _, n := range []int{1000, 8000} {
		doc := conditionPolicy(n, "StringEquals")
		p := &parser{src: doc, dec: jsontext.NewDecoder(bytes.NewReader(doc), jsontext.AllowDuplicateNames(true))}
		pol := &Policy{Type: IdentityPolicy}
		p.parsePolicy(pol)
		if p.fatal || len(p.errs) > 0 {
			t.Fatal(p.errs)
		}
		if bound := 20 * n; p.steps > bound {
			t.Errorf("n=%d: the duplicate-key check made %d comparisons, want at most %d", n, p.steps, bound)
		}
		c, err := CompileText(doc, IdentityPolicy)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := NewRequest("arn:aws:iam::111122223333:user/a", "s3:GetObject", "*", nil)
		var e Evaluator
		var out Result
		e.Decide(&Bundle{Identity: []*Compiled{c}}, r, &out)
		if len(out.Missing) != n {
			t.Fatalf("n=%d: %d missing keys", n, len(out.Missing))
		}
		if bound := 40 * n; e.steps > bound {
			t.Errorf("n=%d: collecting the missing keys took %d steps, want at most %d", n, e.steps, bound)
		}
	}
}

func TestForAnyValueLinear(t *testing.T) {
	for _, op := range []string{"StringEquals", "StringEqualsIgnoreCase"} {
		for _, n := range []int{1000, 8000} {
			vals := make([]string, n)
			req := make([]string, n)
			for i := range n {
				vals[i], req[i] = fmt.Sprintf("p%d", i), fmt.Sprintf("r%d", i)
			}
			req[n-1] = "P0"
			doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:%s":{"aws:TagKeys":["%s"]}}}]}`, op, strings.Join(vals, `","`))
			c, err := CompileText([]byte(doc), IdentityPolicy)
			if err != nil {
				t.Fatal(err)
			}
			r, _ := NewRequest("arn:aws:iam::111122223333:user/a", "s3:GetObject", "*", map[string]ContextValue{"aws:TagKeys": Multi(req...)})
			var e Evaluator
			var out Result
			e.Decide(&Bundle{Identity: []*Compiled{c}}, r, &out)
			want := ImplicitDeny
			if op == "StringEqualsIgnoreCase" {
				want = Allowed // P0 matches p0
			}
			if out.Decision != want {
				t.Errorf("%s n=%d: %s, want %s", op, n, out.Decision, want)
			}
			if bound := 4 * n; e.steps > bound {
				t.Errorf("%s n=%d: %d comparisons, want at most %d", op, n, e.steps, bound)
			}
		}
	}
}

// countingCatalog knows no action and counts the suggestions asked of it.
type countingCatalog struct{ suggests int }

func (c *countingCatalog) LookupAction(string) (string, bool) { return "", false }
func (c *countingCatalog) KnownService(string) bool           { return true }
func (c *countingCatalog) SuggestAction(string) (string, bool) {
	c.suggests++
	return "s3:GetObject", true
}
func (c *countingCatalog) ResourceFits(string, string) (bool, bool) { return false, false }
func (c *countingCatalog) ResourceTypesOf(string) string            { return "" }

// TestUnknownActionWarningsCapped: 50,000 unknown actions made a 5 MB result line
// and one catalogue scan ("did you mean") each.
func TestUnknownActionWarningsCapped(t *testing.T) {
	const n = 5000
	acts := make([]string, n)
	for i := range acts {
		acts[i] = fmt.Sprintf("s3:NoSuch%d", i%(n/2)) // every action twice
	}
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["%s"],"Resource":"*"}]}`, strings.Join(acts, `","`))
	cat := &countingCatalog{}
	p, err := ParseWith([]byte(doc), IdentityPolicy, ParseOptions{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != MaxWarnings+1 {
		t.Fatalf("%d warnings, want %d and a count", len(p.Warnings), MaxWarnings)
	}
	last := p.Warnings[len(p.Warnings)-1]
	if last.Code != "warnings-truncated" || !strings.HasPrefix(last.Msg, fmt.Sprint(n/2-MaxWarnings)+" ") {
		t.Errorf("last warning %+v, want a count of %d", last, n/2-MaxWarnings)
	}
	if cat.suggests > MaxWarnings {
		t.Errorf("%d suggestions asked, want at most %d", cat.suggests, MaxWarnings)
	}
}
