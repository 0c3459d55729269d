package properties

import (
	"strings"
	"testing"
)

// BenchmarkProbe measures one random probe of `check` (draw, decide, judge) on
// AWS's self-manage policy with its spec; probes/s is what check's default run of
// DefaultChecks probes per policy costs.
func BenchmarkProbe(b *testing.B) {
	t, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	src := NewRandSource(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := t.CheckProbe(t.Draw(src)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "probes/s")
}

// TestInstantiateAgreesWithReplacer holds the template fast path to the plain
// definition: every placeholder replaced by the caller's value.
func TestInstantiateAgreesWithReplacer(t *testing.T) {
	texts := []string{"*", "arn:aws:iam::{account}:user/{path}{username}", "arn:aws:iam::{account}:mfa/{username}",
		"arn:aws:iam::111122223333:user/{username}-x", "arn:aws:s3:::bucket/{account}/{username}/{username}"}
	callers := []Caller{{Account: "111122223333", Name: "alice"}, {Account: "444455556666", Path: "dev/", Name: "a+b"}, {}}
	for _, text := range texts {
		tpl, err := compileTemplate(text, false)
		if err != nil && !strings.Contains(text, "{username}/{username}") {
			t.Fatalf("%s: %v", text, err)
		}
		if err != nil {
			tpl = Template{Text: text} // not a valid spec template; Instantiate still fills it
		}
		for _, c := range callers {
			want := strings.NewReplacer(phAccount, c.Account, phPath, c.Path, phUsername, c.Name).Replace(text)
			if got := tpl.Instantiate(c); got != want {
				t.Errorf("%s for %+v: %q, want %q", text, c, got, want)
			}
			if !tpl.InstanceIs(c, want) || tpl.InstanceIs(c, want+"x") || (want != "" && tpl.InstanceIs(c, want[1:])) {
				t.Errorf("%s for %+v: InstanceIs disagrees with Instantiate", text, c)
			}
		}
	}
	tpl, _ := compileTemplate(texts[1], false)
	if allocs := testing.AllocsPerRun(100, func() { tpl.InstanceIs(callers[0], "arn:aws:iam::111122223333:user/alice") }); allocs != 0 {
		t.Errorf("InstanceIs allocates %.1f times", allocs)
	}
}
