package properties

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// The acceptance verdicts on the seed policies, under the default budget and
// several seeds: they must not depend on luck.
var acceptanceSeeds = []uint64{1, 2, 20260101}

func runSeed(t *testing.T, name string, seed uint64) *Report {
	t.Helper()
	return seedTarget(t, name, nil).Run(context.Background(), Options{Seed: seed})
}

func findings(r *Report, inv string, sev Severity) []*Violation {
	var out []*Violation
	for _, f := range r.Findings {
		if f.Invariant == inv && f.Severity == sev {
			out = append(out, f)
		}
	}
	return out
}

func actionsOf(v *Violation) []string { return append([]string{v.Request.Action}, v.Also...) }

// AWS's examples (000, its Chinese edition 002, and the MFA-device-only 004)
// keep mfa-gate and owner-only, and their only finding is the documented
// pathed-user limitation, shown as a liveness warning.
func TestAWSExamplesPass(t *testing.T) {
	for _, name := range []string{"000-aws-mfa-self-manage.json", "002-aws-mfa-self-manage-zh.json", "004-aws-mfa-device-only.json"} {
		for _, seed := range acceptanceSeeds {
			r := runSeed(t, name, seed)
			if r.Failed() {
				t.Errorf("%s seed %d failed:\n%s", name, seed, describeAll(r))
				continue
			}
			for _, f := range r.Findings {
				if f.Invariant != InvLiveness {
					t.Errorf("%s seed %d: %s finding: %s", name, seed, f.Invariant, f.Reason)
				}
			}
			warns := findings(r, InvLiveness, SeverityWarning)
			if len(warns) != 1 {
				t.Fatalf("%s seed %d: want one pathed-user warning, got:\n%s", name, seed, describeAll(r))
			}
			w := warns[0]
			c, _ := ParseCaller(w.Request.Principal)
			if c.Path == "" || w.Decision != model.ImplicitDeny || w.Statement == nil || !strings.Contains(w.Reason, "for a user with a path") {
				t.Errorf("%s: pathed-user warning: %s", name, r.Target.Describe(w))
			}
			if r.Judged < r.Checks/2 {
				t.Errorf("%s: only %d of %d probes judged", name, r.Judged, r.Checks)
			}
		}
	}
}

// Seed 001 has no MFA gate at all.
func TestSeed001FailsMFAGate(t *testing.T) {
	for _, seed := range acceptanceSeeds {
		r := runSeed(t, "001-self-manage-no-mfa.json", seed)
		if !r.Target.Spec.Default {
			t.Fatal("001 has no spec of its own: it is held to the default")
		}
		errs := findings(r, InvMFAGate, SeverityError)
		if !r.Failed() || len(errs) == 0 {
			t.Fatalf("seed %d: no mfa-gate violation:\n%s", seed, describeAll(r))
		}
		v := errs[0]
		if !errors.Is(v, ErrMFAGate) || v.Decision != model.Allowed || v.Statement == nil || !v.Statement.Decided ||
			v.Statement.Sid != "AllowAllUsersToListAccounts" || !strings.Contains(v.Reason, "is allowed without MFA") {
			t.Errorf("seed %d: %s", seed, r.Target.Describe(v))
		}
		if len(v.Request.Context) != 0 {
			t.Errorf("the counterexample is not minimal: %s", RequestJSON(v))
		}
	}
}

// Seed 003 denies iam:GetUser without MFA, although AWS's example keeps it usable
// for setting up MFA; its deny of sts:GetSessionToken is a note.
func TestSeed003FailsLiveness(t *testing.T) {
	for _, seed := range acceptanceSeeds {
		r := runSeed(t, "003-blog-self-manage-mfa.json", seed)
		if !r.Failed() {
			t.Fatalf("seed %d passed:\n%s", seed, describeAll(r))
		}
		var getUser *Violation
		for _, f := range findings(r, InvLiveness, SeverityError) {
			if slices.Contains(actionsOf(f), "iam:GetUser") {
				getUser = f
			}
		}
		if getUser == nil || getUser.Decision != model.ExplicitDeny || getUser.Statement.Sid != "BlockMostAccessUnlessSignedInWithMFA" {
			t.Fatalf("seed %d: no liveness error for iam:GetUser:\n%s", seed, describeAll(r))
		}
		if mfa := mfaState(getUser.Request.Context); mfa != MFAKeyAbsent && mfa != MFAKeyFalse {
			t.Errorf("GetUser finding is not without MFA: %s", RequestJSON(getUser))
		}
		var note *Violation
		for _, f := range findings(r, InvLiveness, SeverityNote) {
			if f.Request.Action == "sts:GetSessionToken" {
				note = f
			}
		}
		if note == nil || !strings.Contains(note.Reason, "denied by policy logic, not enforced by AWS") {
			t.Fatalf("seed %d: no note for sts:GetSessionToken:\n%s", seed, describeAll(r))
		}
		for _, f := range r.BySeverity(SeverityError) {
			if slices.ContainsFunc(actionsOf(f), func(a string) bool { return strings.EqualFold(a, "sts:GetSessionToken") }) {
				t.Errorf("sts:GetSessionToken counted as a failure: %s", f.Reason)
			}
		}
		if len(findings(r, InvMFAGate, SeverityError))+len(findings(r, InvOwnerOnly, SeverityError)) != 0 {
			t.Errorf("seed %d: unexpected mfa-gate/owner-only errors:\n%s", seed, describeAll(r))
		}
	}
}

// The same seed, policy, spec and budget give the same report.
func TestRunIsReproducible(t *testing.T) {
	tg := seedTarget(t, "003-blog-self-manage-mfa.json", nil)
	a := tg.Run(context.Background(), Options{Seed: 7, Checks: 3000})
	b := tg.Run(context.Background(), Options{Seed: 7, Checks: 3000})
	if describeAll(a) != describeAll(b) || a.Judged != b.Judged || a.Checks != b.Checks {
		t.Fatalf("two runs with seed 7 differ:\n%s\n---\n%s", describeAll(a), describeAll(b))
	}
}

func describeAll(r *Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(r.Target.Describe(f))
	}
	return b.String()
}
