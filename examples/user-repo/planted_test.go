package policies

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPlantedBypassIsCaught runs TestPolicies, in a child process, on a copy of the
// AWS policy whose MFA deny uses Bool instead of BoolIfExists: requests signed with
// a long-term access key carry no MFA key, so the deny never fires. TestPolicies
// must fail and name the bypass.
func TestPlantedBypassIsCaught(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPolicies$", "-test.count=1", "-policies=testdata/bypass/")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("TestPolicies passed on a policy with an MFA bypass:\n%s", out)
	}
	for _, want := range []string{"mfa-gate", "is allowed without MFA", "as with a long-term access key"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failure does not say %q:\n%s", want, out)
		}
	}
}
