package properties_test

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/engines"
	"pgregory.net/rapid"
)

// The engines of package properties/engines on the planted bugs of
// engines_test.go (export_test.go lends them): each engine must catch each one.

func init() {
	// The planted-bug tests make rapid fail on purpose; its fail files would
	// litter testdata/.
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		_ = f.Value.Set("true")
	}
}

// recorder is a rapid.TB that records a failure instead of failing the test.
type recorder struct {
	failed bool
	logs   strings.Builder
}

func (r *recorder) Helper()                        {}
func (r *recorder) Name() string                   { return "planted" }
func (r *recorder) Logf(format string, a ...any)   { fmt.Fprintf(&r.logs, format+"\n", a...) }
func (r *recorder) Log(a ...any)                   { fmt.Fprintln(&r.logs, a...) }
func (r *recorder) Skipf(string, ...any)           { panic("skip") }
func (r *recorder) Skip(...any)                    { panic("skip") }
func (r *recorder) SkipNow()                       { panic("skip") }
func (r *recorder) Errorf(format string, a ...any) { r.failed = true; r.Logf(format, a...) }
func (r *recorder) Error(a ...any)                 { r.failed = true; r.Log(a...) }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = true; r.Logf(format, a...) }
func (r *recorder) Fatal(a ...any)                 { r.failed = true; r.Log(a...) }
func (r *recorder) FailNow()                       { r.failed = true }
func (r *recorder) Fail()                          { r.failed = true }
func (r *recorder) Failed() bool                   { return r.failed }

// rapid finds each planted bug with its default 100 checks and shrinks it: the
// reported counterexample is the simplest probe (alice, no path, no extra keys).
func TestPlantedBugsRapid(t *testing.T) {
	for _, pb := range properties.PlantedBugs {
		t.Run(pb.Invariant, func(t *testing.T) {
			tg := properties.Edited(t, pb.Old, pb.New)
			var rec recorder
			rapid.Check(&rec, engines.RapidProperty(tg))
			out := rec.logs.String()
			if !rec.failed || !strings.Contains(out, "error ["+pb.Invariant+"]") || !strings.Contains(out, "replay:    echo '") {
				t.Fatalf("rapid did not report the %s violation:\n%s", pb.Invariant, out)
			}
			if !strings.Contains(out, `"principal":"arn:aws:iam::111122223333:user/alice"`) || strings.Contains(out, "aws:SourceIp") {
				t.Errorf("rapid's counterexample is not shrunk:\n%s", out)
			}
		})
	}
	// And it passes on the policies that keep their invariants.
	t.Run("AWS example passes", rapid.MakeCheck(engines.RapidProperty(properties.SeedTarget(t, "000-aws-mfa-self-manage.json"))))
}

// gopter, with parallel workers and growing choice strings, finds each planted
// bug, and passes AWS's example. gopter's workers share one locked random
// source, so which probes a seed yields depends on scheduling; the owner-only
// bug needs long choice strings and was found after up to 4,949 of 5,000
// checks, missed once under load. With a budget of 20,000 (a run stops at its
// first failure) 100 runs at seed 11 and 60 other seeds found it after at most
// 11,799.
func TestPlantedBugsGopter(t *testing.T) {
	for _, pb := range properties.PlantedBugs {
		t.Run(pb.Invariant, func(t *testing.T) {
			tg := properties.Edited(t, pb.Old, pb.New)
			v, res := engines.RunGopter(tg, engines.GopterOptions{Seed: 11, Workers: 4, Checks: 20000})
			if v == nil || !errors.Is(v, pb.Kind) {
				t.Fatalf("gopter: %v (status %v after %d)", v, res.Status, res.Succeeded)
			}
		})
	}
	if v, res := engines.RunGopter(properties.SeedTarget(t, "000-aws-mfa-self-manage.json"), engines.GopterOptions{Seed: 11, Workers: 4, Checks: 3000}); v != nil || !res.Passed() {
		t.Fatalf("gopter on AWS's example: %v", v)
	}
}
