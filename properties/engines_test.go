package properties

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
)

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
