package properties

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func init() {
	// The planted-bug tests make rapid fail on purpose; its fail files would
	// litter testdata/.
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		_ = f.Value.Set("true")
	}
}

// plantedBugs are known-bad variants of AWS's example, one per invariant: each
// proves that its check can fail.
var plantedBugs = []struct {
	invariant string
	kind      error
	old, new  string
}{
	// Long-term access keys carry no MFA key, so Bool never fires: MFA is bypassed.
	{InvMFAGate, ErrMFAGate, `"BoolIfExists"`, `"Bool"`},
	// alice reaches alice2's access keys.
	{InvOwnerOnly, ErrOwnerOnly, `"Resource": "arn:aws:iam::*:user/${aws:username}"
    },
    {
      "Sid": "AllowManageOwnSigningCertificates"`, `"Resource": "arn:aws:iam::*:user/${aws:username}*"
    },
    {
      "Sid": "AllowManageOwnSigningCertificates"`},
	// Without MFA the user cannot read their own user while setting up MFA.
	{InvLiveness, ErrLiveness, `"iam:GetUser",
        "iam:GetMFADevice"`, `"iam:GetMFADevice"`},
}

func TestPlantedBugsRandEngine(t *testing.T) {
	for _, pb := range plantedBugs {
		t.Run(pb.invariant, func(t *testing.T) {
			tg := edited(t, pb.old, pb.new)
			r := tg.Run(context.Background(), Options{Seed: 3, NoDirected: true})
			errs := findings(r, pb.invariant, SeverityError)
			if len(errs) == 0 {
				t.Fatalf("not caught:\n%s", describeAll(r))
			}
			if !errors.Is(errs[0], pb.kind) || errs[0].Statement == nil {
				t.Fatalf("%s", tg.Describe(errs[0]))
			}
			if r.FirstError == 0 || r.FirstError > DefaultChecks/4 {
				t.Errorf("first counterexample after %d probes", r.FirstError)
			}
		})
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
	for _, pb := range plantedBugs {
		t.Run(pb.invariant, func(t *testing.T) {
			tg := edited(t, pb.old, pb.new)
			var rec recorder
			rapid.Check(&rec, tg.RapidProperty())
			out := rec.logs.String()
			if !rec.failed || !strings.Contains(out, "error ["+pb.invariant+"]") || !strings.Contains(out, "replay:    echo '") {
				t.Fatalf("rapid did not report the %s violation:\n%s", pb.invariant, out)
			}
			if !strings.Contains(out, `"principal":"arn:aws:iam::111122223333:user/alice"`) || strings.Contains(out, "aws:SourceIp") {
				t.Errorf("rapid's counterexample is not shrunk:\n%s", out)
			}
		})
	}
	// And it passes on the policies that keep their invariants.
	t.Run("AWS example passes", rapid.MakeCheck(seedTarget(t, "000-aws-mfa-self-manage.json", nil).RapidProperty()))
}

// gopter, with parallel workers and growing choice strings, finds each planted
// bug, and passes AWS's example.
func TestPlantedBugsGopter(t *testing.T) {
	for _, pb := range plantedBugs {
		t.Run(pb.invariant, func(t *testing.T) {
			tg := edited(t, pb.old, pb.new)
			v, res := tg.RunGopter(GopterOptions{Seed: 11, Workers: 4, Checks: 5000})
			if v == nil || !errors.Is(v, pb.kind) {
				t.Fatalf("gopter: %v (status %v after %d)", v, res.Status, res.Succeeded)
			}
		})
	}
	if v, res := seedTarget(t, "000-aws-mfa-self-manage.json", nil).RunGopter(GopterOptions{Seed: 11, Workers: 4, Checks: 3000}); v != nil || !res.Passed() {
		t.Fatalf("gopter on AWS's example: %v", v)
	}
}

// Fuzz bytes decode into probes: random byte strings find each planted bug, the
// empty input is the simplest probe, and any input decodes.
func TestPlantedBugsBytes(t *testing.T) {
	for _, pb := range plantedBugs {
		t.Run(pb.invariant, func(t *testing.T) {
			tg := edited(t, pb.old, pb.new)
			rng := rand.New(rand.NewPCG(5, 5))
			for i := range 20000 {
				b := make([]byte, 1+rng.IntN(64))
				for j := range b {
					b[j] = byte(rng.Uint32())
				}
				if v := tg.FuzzBytes(b); v != nil {
					if !errors.Is(v, pb.kind) && v.Invariant != pb.invariant {
						t.Logf("found %s first", v.Invariant)
					}
					return
				}
				_ = i
			}
			t.Fatal("20000 random inputs found nothing")
		})
	}
	tg := seedTarget(t, "000-aws-mfa-self-manage.json", nil)
	p := tg.Draw(NewBytesSource(nil))
	if p.Caller != user("", "alice") || len(p.Context) != 0 {
		t.Fatalf("zero choices give %+v, want alice without context", p)
	}
}

// Minimization keeps the finding and removes what does not matter.
func TestMinimize(t *testing.T) {
	tg := edited(t, plantedBugs[0].old, plantedBugs[0].new)
	p := Probe{
		Caller:   Caller{Kind: UserCaller, Account: other, Path: "division_abc/subdivision_xyz/", Name: "a+b=c,d.e@f_g-h"},
		Action:   "IAM:CREATEACCESSKEY",
		Resource: userARN(other, "division_abc/subdivision_xyz/a+b=c,d.e@f_g-h"),
		Context:  []ContextEntry{{"aws:SourceIp", mfaContext(MFAKeyFalse)[0].Value}, {"aws:RequestedRegion", mfaContext(MFAKeyFalse)[0].Value}},
	}
	// Not yet a violation: the pathed user is not matched by ${aws:username}.
	if _, vs, _ := tg.CheckProbe(p); len(vs) != 0 {
		t.Fatalf("pathed: %v", vs)
	}
	p.Caller.Path, p.Resource = "", userARN(other, "a+b=c,d.e@f_g-h")
	_, vs, _ := tg.CheckProbe(p)
	if len(vs) != 1 || !errors.Is(vs[0], ErrMFAGate) {
		t.Fatalf("planted bug not hit: %v", vs)
	}
	min, v := tg.Minimize(p, vs[0])
	want := Probe{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "alice")}
	if min.Caller != want.Caller || min.Action != want.Action || min.Resource != want.Resource || len(min.Context) != 0 {
		t.Fatalf("minimized to %+v, want %+v", min, want)
	}
	if v.Key() != vs[0].Key() {
		t.Fatalf("minimization changed the finding: %s → %s", vs[0].Key(), v.Key())
	}
}
