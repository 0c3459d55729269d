package model

import (
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// specRegex is the recommended matcher of docs/semantics.md §4.2, transcribed as the
// reference: '*' is ".*" in the resource part or when it ends its segment, else
// "[^:]*"; '?' is "." in the resource part, else "[^:]".
func specRegex(pattern string) *regexp.Regexp {
	if pattern == "*" {
		return regexp.MustCompile(`(?s)^.*$`)
	}
	segs := strings.SplitN(pattern, ":", 6)
	var b strings.Builder
	b.WriteString("(?s)^")
	for i, seg := range segs {
		if i > 0 {
			b.WriteString(":")
		}
		rs := []rune(seg)
		for j, r := range rs {
			switch {
			case r == '*' && (i == 5 || j == len(rs)-1):
				b.WriteString(".*")
			case r == '*':
				b.WriteString("[^:]*")
			case r == '?' && i == 5:
				b.WriteString(".")
			case r == '?':
				b.WriteString("[^:]")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func TestResourceMatchAgreesWithSpecRegex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pat := rapid.StringOfN(rapid.SampledFrom([]rune("ab:/*?é")), 0, 14, -1).Draw(t, "pattern")
		s := rapid.StringOfN(rapid.SampledFrom([]rune("ab:/é")), 0, 14, -1).Draw(t, "resource")
		p := compilePattern(pat, patResource, false)
		var e Evaluator
		got := e.matchPattern(&p, s, &Request{}, false)
		want := specRegex(pat).MatchString(s)
		if got != want {
			t.Fatalf("pattern %q resource %q: got %v, spec regex says %v", pat, s, got, want)
		}
	})
}

// TestGlobEnginesAgree: the greedy matcher and the position-set matcher must agree
// on every pattern both can run.
func TestGlobEnginesAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pat := rapid.StringOfN(rapid.SampledFrom([]rune("ab:*?é")), 0, 12, -1).Draw(t, "pattern")
		s := rapid.StringOfN(rapid.SampledFrom([]rune("ab:é")), 0, 12, -1).Draw(t, "s")
		p := compilePattern(pat, patGlob, false)
		var e Evaluator
		if a, b := globSimple(p.codes, s, false), e.globGeneral(p.codes, s); a != b {
			t.Fatalf("pattern %q on %q: greedy %v, general %v", pat, s, a, b)
		}
	})
}

func TestParseDateForms(t *testing.T) {
	ok := []string{"2019", "2019-04", "2019-04-25", "2019-04-25T11:00Z", "2019-04-25T11:00:00Z", "2019-04-25T11:00:00.123+02:00", "1556190000", "2019-04-25T11:00:00"}
	for _, s := range ok {
		if _, good := parseDate(s); !good {
			t.Errorf("%q should parse", s)
		}
	}
	for _, s := range []string{"", "2019-13-01", "2019-02-30", "2019-04-25T25:00Z", "yesterday", "2019-04-25 11:00:00Z"} {
		if _, good := parseDate(s); good {
			t.Errorf("%q should not parse", s)
		}
	}
	a, _ := parseDate("2019-04-25T11:00:00Z")
	b, _ := parseDate("2019-04-25T13:00:00+02:00")
	c, _ := parseDate("1556190000")
	if a.compare(b) != 0 || a.compare(c) != 0 {
		t.Errorf("the same instant in three forms should compare equal: %v %v %v", a, b, c)
	}
}
