package model

import (
	"fmt"
	"reflect"
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

// globRegex is the reference for a pattern without ARN rules: '*' is any run of
// characters, '?' one character, case folded when fold (actions).
func globRegex(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	if fold {
		b.WriteString("(?i)")
	}
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// TestGlobEnginesAgree: the piece matcher, the position-set matcher and the
// reference regex agree on every pattern, case-folded (actions) or not.
func TestGlobEnginesAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fold := rapid.Bool().Draw(t, "fold")
		pat := rapid.StringOfN(rapid.SampledFrom([]rune("ab:*?é")), 0, 12, -1).Draw(t, "pattern")
		s := rapid.StringOfN(rapid.SampledFrom([]rune("abAB:é")), 0, 12, -1).Draw(t, "s")
		kind := patGlob
		if fold {
			kind = patAction
		}
		p := compilePattern(pat, kind, false)
		var e Evaluator
		want := globRegex(pat, fold).MatchString(s)
		if got := e.matchPattern(&p, s, nil, fold); got != want {
			t.Fatalf("pattern %q on %q (fold %v): matchPattern %v, regex %v", pat, s, fold, got, want)
		}
		// An action pattern keeps its code units only when it needs globNFA;
		// compiled as a condition's StringLike (lower-cased, when fold), it keeps them.
		nfa := compilePattern(pat, patGlob, false)
		if fold {
			nfa = compilePattern(strings.ToLower(pat), patGlob, false)
		}
		if got := e.globNFA(nfa.codes, s, fold); got != want {
			t.Fatalf("pattern %q on %q (fold %v): globNFA %v, regex %v", pat, s, fold, got, want)
		}
	})
}

// adversarialGlobs are the inputs on which a backtracking glob matcher does
// len(value)·len(pattern) work: long runs of one letter that almost match, with
// the anchored ends matching so that the middle must be searched.
func adversarialGlobs(n int) (pats []pattern, value string) {
	run := strings.Repeat("a", n/2)
	value = strings.Repeat("a", n) + "b"
	for _, text := range []string{"*" + run + "c", "*" + run + "c*", "*" + run + "c*b", "*a*" + run + "c*", "a*" + run + "?c*b", "*" + strings.Repeat("a?", n/4) + "c*"} {
		pats = append(pats, compilePattern(text, patGlob, false))
	}
	pats = append(pats, compilePattern("ARN:AWS:S3:::*"+run+"c*", patAction, false))
	pats = append(pats, compilePattern("arn:aws:s3:::"+strings.Repeat("*a", n/4)+"c*", patResource, false))
	pats = append(pats, compilePattern("arn:*a*a*a:s3:::*"+run+"c*", patResource, false))
	return pats, value
}

// TestGlobWorkIsLinear bounds the matchers' work on adversarial inputs by counting
// steps (never time): piece patterns do O(len(value)+len(pattern)) steps, the
// position-set matcher O(len(value) + len(pattern)·len(value)/64).
func TestGlobWorkIsLinear(t *testing.T) {
	for _, n := range []int{1 << 10, 1 << 14} {
		pats, value := adversarialGlobs(n)
		arn := "arn:aws:s3:::" + value
		for i := range pats {
			p := &pats[i]
			s := value
			if strings.HasPrefix(p.text, "arn:") || strings.HasPrefix(p.text, "ARN:") {
				s = arn
			}
			var e Evaluator
			if e.matchPattern(p, s, &Request{}, strings.HasPrefix(p.text, "ARN")) {
				t.Fatalf("pattern %.20q… matched a value without c", p.text)
			}
			m := len(p.text) // at least its code units, which a simple pattern does not keep
			bound := 4 * (len(s) + m)
			if !p.simple {
				bound = 4 * (len(s) + m*(len(s)/64+1))
			}
			if e.steps > bound {
				t.Errorf("n=%d pattern %.20q… (simple %v): %d steps, want at most %d", n, p.text, p.simple, e.steps, bound)
			}
		}
	}
}

// BenchmarkGlobAdversarial measures the adversarial inputs at 16k characters
// (the backtracking matcher took seconds on the first one).
func BenchmarkGlobAdversarial(b *testing.B) {
	pats, value := adversarialGlobs(1 << 14)
	arn := "arn:aws:s3:::" + value
	for i := range pats {
		p := &pats[i]
		s := value
		if strings.HasPrefix(p.text, "arn:") || strings.HasPrefix(p.text, "ARN:") {
			s = arn
		}
		b.Run(fmt.Sprintf("%d-%.12s", i, p.text), func(b *testing.B) {
			var e Evaluator
			for b.Loop() {
				e.matchPattern(p, s, &Request{}, strings.HasPrefix(p.text, "ARN"))
			}
		})
	}
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
	// The W3C profiles give every time a zone and write T and Z in upper case;
	// the rest parses but is marked (dateUndocumented).
	documented := map[string]bool{
		"2019": false, "2019-04": true, "2019-04-25": true, "1556190000": true,
		"2019-04-25T11:00Z": true, "2019-04-25T11:00:00.123+02:00": true, "2019-04-25T11:00:00-05:30": true,
		"2019-04-25T11:00": false, "2019-04-25T11:00:00": false, "2019-04-25T11:00:00.123456": false,
		"2019-04-25t11:00:00Z": false, "2019-04-25T11:00:00z": false,
	}
	for s, want := range documented {
		if _, good := parseDate(s); !good {
			t.Errorf("%q should parse", s)
		} else if dateUndocumented(s) == want {
			t.Errorf("dateUndocumented(%q) = %v, want %v", s, !want, !want)
		}
	}
	a, _ := parseDate("2019-04-25T11:00:00Z")
	b, _ := parseDate("2019-04-25T13:00:00+02:00")
	c, _ := parseDate("1556190000")
	if a.compare(b) != 0 || a.compare(c) != 0 {
		t.Errorf("the same instant in three forms should compare equal: %v %v %v", a, b, c)
	}
}

// TestCompileResourceAgrees: the resource patterns compileResource takes
// compile as compilePatternCodes compiles them, on every pattern of up to six
// parts drawn from ARN pieces, wildcards and variables (with and without
// variables read), and a planted disagreement is seen.
func TestCompileResourceAgrees(t *testing.T) {
	parts := []string{"arn", ":", "*", "?", "aws", "b/", "$", "${aws:username}", "${*}", "::", "${a:b, 'x'}", "${", "}"}
	taken := 0
	var walk func(text string, n int)
	walk = func(text string, n int) {
		for _, vars := range []bool{false, true} {
			fast, ok := compileResource(text, vars)
			if !ok {
				continue
			}
			taken++
			if ref := compilePatternCodes(text, patResource, vars); !reflect.DeepEqual(fast, ref) {
				t.Fatalf("%q (vars %v): compileResource %+v, compilePatternCodes %+v", text, vars, fast, ref)
			}
		}
		if n == 0 {
			return
		}
		for _, p := range parts {
			walk(text+p, n-1)
		}
	}
	walk("", 5)
	walk("arn:aws:s3:::", 4)
	walk("arn:aws:iam::", 4)
	if taken < 1000 {
		t.Fatalf("compileResource took only %d patterns", taken)
	}
	planted := compilePatternCodes("arn:aws:s3:::b/*?", patResource, true)
	planted.pieces = append([]piece(nil), planted.pieces...)
	planted.pieces[len(planted.pieces)-1].n++
	if fast, _ := compileResource("arn:aws:s3:::b/*?", true); reflect.DeepEqual(fast, planted) {
		t.Fatal("the comparison does not see a changed piece")
	}
}

// TestCompileActionAgrees: compileAction compiles the action patterns it
// takes as compilePatternCodes does, on every pattern of up to six parts.
func TestCompileActionAgrees(t *testing.T) {
	parts := []string{"s3", ":", "*", "?", "Get", "é", "A", "${x}"}
	taken := 0
	var walk func(text string, n int)
	walk = func(text string, n int) {
		if fast, ok := compileAction(text); ok {
			taken++
			if ref := compilePatternCodes(text, patAction, false); !reflect.DeepEqual(fast, ref) {
				t.Fatalf("%q: compileAction %+v, compilePatternCodes %+v", text, fast, ref)
			}
		}
		if n == 0 {
			return
		}
		for _, p := range parts {
			walk(text+p, n-1)
		}
	}
	walk("", 6)
	if taken < 1000 {
		t.Fatalf("compileAction took only %d patterns", taken)
	}
}
