package iamfuzz_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz"
	"github.com/iamfuzz/iamfuzz/properties"
)

// TestCheckAWSPolicies: AWS's own MFA policies pass (pathed users are a logged
// liveness warning, not a failure).
func TestCheckAWSPolicies(t *testing.T) {
	iamfuzz.Check(t, "corpus/policies/000-aws-mfa-self-manage.json", "corpus/policies/004-aws-mfa-device-only.json")
}

// TestVerifyFindsBypass: the seed without an MFA gate fails mfa-gate.
func TestVerifyFindsBypass(t *testing.T) {
	reps, err := iamfuzz.Verify(context.Background(), properties.Options{Checks: 2000, Seed: 1}, "corpus/policies/001-self-manage-no-mfa.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range reps[0].Findings {
		if v.Invariant == properties.InvMFAGate && v.Severity == properties.SeverityError {
			return
		}
	}
	t.Fatalf("no mfa-gate violation in %d findings", len(reps[0].Findings))
}

// TestCheckFailsOnBypass proves that Check can fail: the test binary runs
// TestCheckChild on seed 001 in a child process, which must fail and explain.
func TestCheckFailsOnBypass(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCheckChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "IAMFUZZ_CHILD=corpus/policies/001-self-manage-no-mfa.json")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("Check passed on a policy without an MFA gate:\n%s", out)
	}
	for _, want := range []string{"mfa-gate", "is allowed without MFA", "iamfuzz eval --explain",
		// 001 names an SMS MFA action AWS retired: the policy's own warnings are logged.
		`policy warning: corpus/policies/001-self-manage-no-mfa.json:53:5: Statement[3].Action[3]: "iam:RequestSmsMfaRegistration" is not an action in the catalogue`,
		"requests decided by the proof engine (deterministic)",
		": warning [liveness] iam:ChangePassword on your own user"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failure does not say %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"warning: warning", "IAMFUZZ_SEED=0"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("the failure says %q:\n%s", bad, out)
		}
	}
}

func TestCheckChild(t *testing.T) {
	p := os.Getenv("IAMFUZZ_CHILD")
	if p == "" {
		return // only meaningful as TestCheckFailsOnBypass's child
	}
	iamfuzz.Check(t, p)
}

func TestCheckMissingPath(t *testing.T) {
	if _, err := iamfuzz.Verify(context.Background(), properties.Options{}, "no/such/dir"); err == nil {
		t.Error("a missing path must be an error")
	}
}
