package properties

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkProbe measures one random probe of `check` (draw, decide, judge) on
// AWS's self-manage policy with its spec, on one core, as Run's workers make
// them (reused storage); probes/s is what check's default run of DefaultChecks
// probes per policy costs. BenchmarkProbe/public is the same through the
// exported Draw and CheckProbe, which build every probe's strings and request
// afresh.
func BenchmarkProbe(b *testing.B) {
	t, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("worker", func(b *testing.B) {
		src := NewRandSource(1)
		w := t.getProber()
		b.ReportAllocs()
		for b.Loop() {
			if po := t.check(t.draw(src, w), w); po.Err != nil {
				b.Fatal(po.Err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "probes/s")
	})
	b.Run("public", func(b *testing.B) {
		src := NewRandSource(1)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := t.CheckProbe(t.Draw(src)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "probes/s")
	})
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

// TestRunIsTheSameOnAnyNumberOfCores: random probes are checked in parallel but
// accounted in draw order, so one core and two give the same report.
func TestRunIsTheSameOnAnyNumberOfCores(t *testing.T) {
	tg, err := LoadTargetSpec("../corpus/policies/001-self-manage-no-mfa.json", "../corpus/specs/000-aws-mfa-self-manage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	summary := func(procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rep := tg.Run(context.Background(), Options{Checks: 1500, Seed: 7, NoMinimize: true})
		var b strings.Builder
		fmt.Fprintf(&b, "checks %d judged %d first %d:", rep.Checks, rep.Judged, rep.FirstError)
		for _, v := range rep.Findings {
			fmt.Fprintf(&b, " %s%v", v.Key(), v.Also)
		}
		return b.String()
	}
	one, two := summary(1), summary(2)
	if one != two {
		t.Errorf("one core:  %s\ntwo cores: %s", one, two)
	}
	if !strings.Contains(one, "first ") || strings.Contains(one, "first 0:") {
		t.Errorf("the policy without an MFA gate should fail: %s", one)
	}
}

// BenchmarkRun measures check's random probes on AWS's self-manage policy as Run
// performs them (drawn in order, checked in parallel batches); compare -cpu 1 and
// -cpu 2 for the use of both cores within one policy.
func BenchmarkRun(b *testing.B) {
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	const checks = 5000
	seed := uint64(0)
	for b.Loop() {
		// A new seed every time: a repeated seed would find every string in the
		// workers' memos, which one run of check does not.
		seed++
		if rep := tg.Run(context.Background(), Options{Checks: checks, Seed: seed, NoDirected: true}); rep.Failed() {
			b.Fatal("AWS's policy should pass")
		}
	}
	b.ReportMetric(float64(checks*b.N)/b.Elapsed().Seconds(), "probes/s")
}
