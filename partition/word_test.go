package partition

import (
	"regexp"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
)

// A predicate of one string meets a template exactly when the template's
// automaton accepts the string (meetWord): the same answer as the product
// walk of intersects, over the catalogue's templates and strings of their
// shapes and of none.
func TestWordMeetIsIntersection(t *testing.T) {
	if w, ok := Lit("arn:aws:iam::1:user/a").word(); !ok || w != "arn:aws:iam::1:user/a" {
		t.Fatalf("Lit's word: %q %v", w, ok)
	}
	if w, ok := Seq().word(); !ok || w != "" {
		t.Fatalf("the empty sequence's word: %q %v", w, ok)
	}
	for _, l := range []*Lang{LitFold("ab"), Alt(Lit("a"), Lit("b")), Seq(Lit("a"), Star(Lit("b"))), Byte(Digits)} {
		if w, ok := l.word(); ok {
			t.Fatalf("a language of more than one string has the word %q", w)
		}
	}
	words := []string{"*", "", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:mfa/alice",
		"arn:aws:iam::111122223333:user/dev/alice", "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:sts::111122223333:assumed-role/r/s",
		"arn:aws:iam::111122223333:role/r", "arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws-cn:iam::111122223333:user/a"}
	seen := map[string]bool{}
	n, met := 0, 0
	for _, a := range catalog.MustLoad().Actions() {
		for _, rt := range a.ResourceTypes {
			for _, tpl := range rt.ARNTemplates {
				if seen[tpl] || len(seen) >= 200 && a.Service != "iam" && a.Service != "s3" {
					continue
				}
				seen[tpl] = true
				ta := compile(TemplateLang(tpl))
				own := instantiate(tpl)
				for _, w := range append(words, own, own+"/x", strings.Replace(own, ":", "/", 1)) {
					n++
					got, want := ta.matches(w), intersects(ta, compile(Lit(w)))
					if got != want {
						t.Fatalf("template %s, word %q: accepts %v, intersects %v", tpl, w, got, want)
					}
					if want {
						met++
					}
				}
			}
		}
	}
	t.Logf("%d templates, %d pairs, %d meet", len(seen), n, met)
	if met < 200 {
		t.Fatalf("only %d pairs meet: the comparison says little", met)
	}
}

var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// instantiate fills a template's placeholders with plausible values.
func instantiate(tpl string) string {
	return placeholder.ReplaceAllStringFunc(tpl, func(ph string) string {
		switch {
		case strings.Contains(ph, "Partition"):
			return "aws"
		case strings.Contains(ph, "Account"):
			return "111122223333"
		case strings.Contains(ph, "Region"):
			return "us-east-1"
		}
		return "n1"
	})
}
