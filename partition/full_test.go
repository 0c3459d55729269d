package partition

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// A union of patterns that end in '*' accepts every string once one of them
// matched: its DFA has one full state, whichever pattern matched first, so a
// product walk does not tell the matches apart (explore.go, universal).
func TestFullStatesMerge(t *testing.T) {
	g := func(s string) *Lang { return GlobLang(ParsePattern(s, PatGlob, false).codes, GlobResource) }
	a := compile(Alt(g("x*"), g("*::doc/AWS-*"), g("*::doc/AWSDocs-*")))
	run := func(s string) int32 {
		d := int32(0)
		for i := 0; i < len(s); i++ {
			d = a.step(d, s[i])
		}
		return d
	}
	full := run("x")
	if !a.full[full] || !a.acc[full] {
		t.Fatal("after x the union accepts everything: its state must be full")
	}
	for _, s := range []string{"xyz", "a::doc/AWS-1", "a::doc/AWSDocs-1::doc/AWS-", "x::doc/AWSDocs-"} {
		if d := run(s); d != full {
			t.Errorf("%q: state %d, want the one full state %d", s, d, full)
		}
	}
	for _, s := range []string{"", "a", "a::doc/AWS", "a::doc/AWSDocs"} {
		if d := run(s); a.full[d] {
			t.Errorf("%q: not every continuation matches, yet the state is full", s)
		}
	}
}

// Merging full states must not change which regions a walk finds: random
// unions of resource patterns, walked with and without merging, give the same
// signatures, and every witness lies in exactly its region's languages.
func TestFullStatesKeepRegions(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alpha := []byte("ab:/*?")
	draw := func() string {
		b := make([]byte, 1+rng.IntN(6))
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	for round := range 300 {
		var langs []*Lang
		var text []string
		for range 1 + rng.IntN(3) {
			var alts []*Lang
			for range 1 + rng.IntN(3) {
				p := draw()
				text = append(text, p)
				alts = append(alts, GlobLang(ParsePattern(p, PatGlob, false).codes, GlobResource))
			}
			langs = append(langs, Alt(alts...))
		}
		sigs := func(merge bool) []string {
			autos := []*auto{compileFull(Plus(Byte(AnyByte)), merge)}
			for _, l := range langs {
				autos = append(autos, compileFull(l, merge))
			}
			regs, ok, _ := explore(autos, 0, 100000)
			if !ok {
				t.Fatalf("round %d: walk incomplete", round)
			}
			check := make([]*auto, len(autos))
			for i := range autos {
				check[i] = compileFull(append([]*Lang{Plus(Byte(AnyByte))}, langs...)[i], false)
			}
			var out []string
			for _, r := range regs {
				for i, a := range check {
					if a.matches(r.Witness) != r.In[i] {
						t.Fatalf("round %d %q: witness %q: membership of language %d is %v, region says %v", round, text, r.Witness, i, !r.In[i], r.In[i])
					}
				}
				out = append(out, fmt.Sprint(r.In))
			}
			sort.Strings(out)
			return out
		}
		if a, b := sigs(true), sigs(false); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("round %d %q: merged %v, unmerged %v", round, text, a, b)
		}
	}
}
