package partition

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// decideWith decides one request under a one-statement policy; the statement
// applies (allowed) exactly when its resource or condition matches.
func decideWith(t *testing.T, stmt string, resource string, ctx map[string]model.ContextValue) bool {
	t.Helper()
	ok, valid := tryDecide(t, stmt, resource, ctx)
	if !valid {
		t.Fatalf("invalid policy: %s", stmt)
	}
	return ok
}

// tryDecide is decideWith for generated policies, which may be invalid.
func tryDecide(t *testing.T, stmt string, resource string, ctx map[string]model.ContextValue) (allowed, valid bool) {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[` + stmt + `]}`
	c, err := model.CompileText([]byte(doc), model.IdentityPolicy)
	if err != nil {
		return false, false
	}
	// The caller is in the resource's account, so that only the pattern decides.
	acct := "111122223333"
	if parts := strings.SplitN(resource, ":", 6); len(parts) == 6 && parts[4] != "" {
		acct = parts[4]
	}
	r, err := model.NewRequest("arn:aws:iam::"+acct+":user/alice", "iam:GetUser", resource, ctx)
	if err != nil {
		t.Fatalf("request %q: %v", resource, err)
	}
	return model.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, r).Decision == model.Allowed, true
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// The automata must agree with the model's own matching on every string: this
// is what makes a witness of a region a witness for the model too.
func TestGlobLanguagesAgreeWithModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []byte("ab:/*?A")
	draw := func(n int, chars []byte) string {
		b := make([]byte, rng.IntN(n))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		return string(b)
	}
	type kind struct {
		op   string
		kind PatKind
		glob GlobKind
	}
	kinds := []kind{{"StringLike", PatGlob, GlobLike}, {"StringEquals", PatLiteral, GlobLiteral},
		{"StringEqualsIgnoreCase", PatLiteral, GlobFold}, {"ArnLike", PatGlob, GlobARN}}
	for i := 0; i < 400; i++ {
		// Resource patterns: ARN-shaped, wildcards in every segment.
		pat := "arn:" + draw(3, alpha) + ":" + draw(3, []byte("ab*?")) + ":" + draw(2, []byte("a*")) + ":" + draw(3, []byte("1*?")) + ":" + draw(6, alpha)
		p := ParsePattern(pat, PatResource, true)
		a := compile(GlobLang(p.codes, GlobResource))
		for j := 0; j < 20; j++ {
			res := "arn:a" + draw(3, []byte("ab:")) + ":b" + draw(3, []byte("ab:")) + ":" + draw(2, []byte("a:")) + ":" + draw(3, []byte("1:")) + ":" + draw(6, []byte("ab:/A"))
			if _, err := model.NewRequest("arn:aws:iam::111122223333:user/alice", "iam:GetUser", res, nil); err != nil {
				continue // not an ARN the model takes
			}
			want, valid := tryDecide(t, `{"Effect":"Allow","Action":"*","Resource":`+quote(pat)+`}`, res, nil)
			if !valid {
				break
			}
			if got := a.matches(res); got != want {
				t.Fatalf("Resource %q on %q: automaton %v, model %v", pat, res, got, want)
			}
		}
		k := kinds[rng.IntN(len(kinds))]
		cpat := draw(6, alpha)
		// ARN patterns' first parts include wildcards, and values' first
		// parts other than arn (the model matches only values that begin
		// with arn:).
		firsts := []string{"arn", "arn", "*", "a*", "ar?", "?*", ""}
		if k.glob == GlobARN {
			cpat = firsts[rng.IntN(len(firsts))] + ":" + draw(2, alpha) + ":" + draw(2, alpha) + "::" + draw(2, alpha) + ":" + draw(5, alpha)
		}
		cp := ParsePattern(cpat, k.kind, true)
		ca := compile(GlobLang(cp.codes, k.glob))
		for j := 0; j < 20; j++ {
			v := draw(8, []byte("ab:/A*?B"))
			if k.glob == GlobARN && rng.IntN(2) == 0 {
				v = []string{"arn", "arn", "abn", "a", "arnx"}[rng.IntN(5)] + ":" + draw(2, alpha) + ":" + draw(2, alpha) + ":" + draw(2, alpha) + ":" + draw(2, alpha) + ":" + draw(5, alpha)
			}
			want, valid := tryDecide(t, `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"`+k.op+`":{"aws:x":`+quote(cpat)+`}}}`, "*",
				map[string]model.ContextValue{"aws:x": model.Single(v)})
			if !valid {
				break
			}
			if got := ca.matches(v); got != want {
				t.Fatalf("%s %q on %q: automaton %v, model %v", k.op, cpat, v, got, want)
			}
		}
	}
}

func TestTemplateLangAgreesWithCatalog(t *testing.T) {
	cases := []struct {
		tpl, arn string
		want     bool
	}{
		{"arn:${Partition}:iam::${Account}:user/${UserNameWithPath}", "arn:aws:iam::111122223333:user/a/b", true},
		{"arn:${Partition}:iam::${Account}:user/${UserNameWithPath}", "arn:aws:iam::11112222333:user/a", false},
		{"arn:${Partition}:iam::${Account}:user/${UserNameWithPath}", "arn:aws:iam::111122223333:user/", false},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws-cn:s3:::b/k", true},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:us-east-1::b/k", false},
		{"arn:${Partition}:ec2:${Region}:${Account}:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/", true},
	}
	for _, c := range cases {
		if got := compile(TemplateLang(c.tpl)).matches(c.arn); got != c.want {
			t.Errorf("%s on %s: %v, want %v", c.tpl, c.arn, got, c.want)
		}
	}
}

// regions of patterns, each witness checked to lie in exactly its patterns.
func regionsOf(t *testing.T, langs ...*Lang) []Region {
	t.Helper()
	autos := []*auto{compile(Plus(Byte(AnyByte)))}
	for _, l := range langs {
		autos = append(autos, compile(l))
	}
	regs, ok, _ := explore(autos, 0, 100000)
	if !ok {
		t.Fatal("walk incomplete")
	}
	for _, r := range regs {
		for i, a := range autos {
			if a.matches(r.Witness) != r.In[i] {
				t.Fatalf("witness %q: membership of language %d is %v, region says %v", r.Witness, i, !r.In[i], r.In[i])
			}
		}
	}
	return regs
}

func TestVennRegions(t *testing.T) {
	g := func(s string) *Lang { return GlobLang(ParsePattern(s, PatGlob, false).codes, GlobLike) }
	// svc-*, *-admin, svc-admin: every combination but "svc-admin only" and
	// "svc-admin with exactly one of the others" is reachable.
	regs := regionsOf(t, g("svc-*"), g("*-admin"), g("svc-admin"))
	got := map[string]string{}
	for _, r := range regs {
		got[fmt.Sprint(r.In[1:])] = r.Witness
	}
	for _, want := range []string{"[false false false]", "[true false false]", "[false true false]", "[true true false]", "[true true true]"} {
		if _, ok := got[want]; !ok {
			t.Errorf("region %s missing; got %v", want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d regions, want 5: %v", len(got), got)
	}
	if w := got["[true true false]"]; w != "svc--admin" && len(w) != len("svc--admin") {
		t.Errorf("shortest witness of svc-* ∩ *-admin minus svc-admin is %q", w)
	}
}

func TestCaseFoldRegions(t *testing.T) {
	lit := GlobLang(ParsePattern("alice", PatLiteral, false).codes, GlobLiteral)
	fold := GlobLang(ParsePattern("alice", PatLiteral, false).codes, GlobFold)
	regs := regionsOf(t, lit, fold)
	var foldOnly string
	for _, r := range regs {
		if !r.In[1] && r.In[2] {
			foldOnly = r.Witness
		}
	}
	if !strings.EqualFold(foldOnly, "alice") || foldOnly == "alice" {
		t.Errorf("the region equal to alice only under case folding has witness %q", foldOnly)
	}
	// Actions fold case: iam:get* and IAM:GetUser meet.
	a := compile(GlobLang(ParsePattern("iam:get*", PatAction, false).codes, GlobAction))
	if !a.matches("IAM:GetUser") {
		t.Error("action patterns must fold case")
	}
}

func TestNotEqualFold(t *testing.T) {
	a := compile(NotEqualFold("bob", NameChars))
	for s, want := range map[string]bool{"bob": false, "BoB": false, "bo": true, "bobb": true, "alice": true, "": true} {
		if a.matches(s) != want {
			t.Errorf("NotEqualFold(bob) on %q: %v", s, !want)
		}
	}
}

func TestIPWitnessesCoverBlockEdges(t *testing.T) {
	ws := IPWitnesses([]string{"10.0.0.0/8", "2001:db8:1::/48"})
	has := map[string]bool{}
	for _, w := range ws {
		has[w] = true
	}
	for _, want := range []string{"10.0.0.0", "10.255.255.255", "9.255.255.255", "11.0.0.0", "2001:db8:1::", "2001:db8:1:ffff:ffff:ffff:ffff:ffff", "2001:db8:0:ffff:ffff:ffff:ffff:ffff", "2001:db8:2::", "not-an-ip"} {
		if !has[want] {
			t.Errorf("missing %s in %v", want, ws)
		}
	}
	// Inside and outside, by the model.
	in := 0
	for _, w := range ws {
		if _, err := netip.ParseAddr(w); err != nil {
			continue
		}
		if decideWith(t, `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, "*",
			map[string]model.ContextValue{"aws:SourceIp": model.Single(w)}) {
			in++
		}
	}
	if in != 2 {
		t.Errorf("%d witnesses inside 10.0.0.0/8, want its first and last address", in)
	}
}

// Every pair of witnesses on the two sides of a bound gets both answers from the
// model: the witnesses see both sides of every bound.
func TestNumberAndDateWitnessesSeeBothSides(t *testing.T) {
	for _, c := range []struct {
		op, bound string
		ws        []string
	}{
		{"NumericLessThan", "3600", NumberWitnesses([]string{"3600", "7200"})},
		{"NumericGreaterThanEquals", "1.5", NumberWitnesses([]string{"1.5", "2"})},
		{"DateLessThan", "2025-06-01T00:00:00Z", mustDates(t, "2025-06-01T00:00:00Z", "2025-06-01T00:00:01Z")},
		{"DateGreaterThan", "2025-06-01T00:00:00Z", mustDates(t, "2025-06-01T00:00:00Z", "2025-06-01T00:00:01Z")},
	} {
		yes, no := 0, 0
		for _, w := range c.ws {
			if decideWith(t, `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"`+c.op+`":{"aws:x":"`+c.bound+`"}}}`, "*",
				map[string]model.ContextValue{"aws:x": model.Single(w)}) {
				yes++
			} else {
				no++
			}
		}
		if yes < 1 || no < 2 { // below or above, and a non-value
			t.Errorf("%s %s: %d witnesses satisfy it, %d do not: %v", c.op, c.bound, yes, no, c.ws)
		}
	}
	// A date strictly between two bounds a second apart exists and is found.
	ws := mustDates(t, "2025-06-01T00:00:00Z", "2025-06-01T00:00:01Z")
	between := 0
	for _, w := range ws {
		ctx := map[string]model.ContextValue{"aws:x": model.Single(w)}
		if decideWith(t, `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:x":"2025-06-01T00:00:00Z"},"DateLessThan":{"aws:x":"2025-06-01T00:00:01Z"}}}`, "*", ctx) {
			between++
		}
	}
	if between != 1 {
		t.Errorf("%d witnesses strictly between two bounds one second apart, want 1: %v", between, ws)
	}
}

// An instant written twice is one bound: the gap after it keeps its witness
// (corpus/examples/values/date-bound-twice.json was proved without it).
func TestDateWitnessesBoundTwice(t *testing.T) {
	ws := mustDates(t, "2026-01-01T00:00:00Z", "2026-01-01", "2026-06-01T00:00:00Z")
	between := 0
	for _, w := range ws {
		ctx := map[string]model.ContextValue{"aws:x": model.Single(w)}
		if decideWith(t, `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:x":"2026-01-01"},"DateLessThan":{"aws:x":"2026-06-01T00:00:00Z"}}}`, "*", ctx) {
			between++
		}
	}
	if between != 1 {
		t.Errorf("%d witnesses strictly between the bounds, want 1: %v", between, ws)
	}
}

func mustDates(t *testing.T, bounds ...string) []string {
	ws, ok := DateWitnesses(bounds)
	if !ok {
		t.Fatalf("bounds %v not read", bounds)
	}
	return ws
}

// A walk within a domain (explore's domain automaton) finds exactly the
// regions that the domain's strings fall in, each with a shortest witness:
// checked against every string over the patterns' bytes up to a length past
// which no new combination appears. The walk keeps no state outside the
// domain, so this is what it must not lose.
func TestDomainWalkRegionsAreExact(t *testing.T) {
	g := func(s string) *Lang { return GlobLang(ParsePattern(s, PatGlob, false).codes, GlobLike) }
	cases := [][]string{
		{"a*b", "a*", "*b", "ab"},
		{"?a*", "*a?", "b*", "*-*"},
		{"a-*-b", "a*", "*-b", "a-b-b"},
		{"*", "a?b", "??", "b*a"},
	}
	alpha := "abc-" // c: a byte no pattern names
	for _, c := range cases {
		autos := make([]*auto, len(c))
		for i, p := range c {
			autos[i] = compile(g(p))
		}
		regs, ok, _ := explore(autos, 0, 100000)
		if !ok {
			t.Fatalf("%v: walk incomplete", c)
		}
		got := map[string]string{}
		for _, r := range regs {
			got[fmt.Sprint(r.In)] = r.Witness
		}
		want := map[string]string{}
		var all func(s string)
		all = func(s string) {
			if autos[0].matches(s) {
				in := make([]bool, len(autos))
				for i, a := range autos {
					in[i] = a.matches(s)
				}
				if w, ok := want[fmt.Sprint(in)]; !ok || len(s) < len(w) {
					want[fmt.Sprint(in)] = s
				}
			}
			if len(s) < 8 {
				for i := range len(alpha) {
					all(s + alpha[i:i+1])
				}
			}
		}
		all("")
		if len(got) != len(want) {
			t.Fatalf("%v: regions %v, want %v", c, got, want)
		}
		for sig, w := range want {
			gw, ok := got[sig]
			if !ok || len(gw) != len(w) {
				t.Errorf("%v: region %s: witness %q, want one as short as %q", c, sig, gw, w)
			}
		}
	}
}
