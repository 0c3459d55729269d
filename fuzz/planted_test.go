//go:build !iamfuzz_plant

package fuzz

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDecideCatchesPlantedBug proves that the decide property can fail: built
// with the test-only tag iamfuzz_plant, the evaluator compares Deny actions
// case-sensitively, and the property on the decide seeds alone must catch it.
// (Fuzzing finds it too: scripts/fuzz-all --planted, and the libFuzzer build:
// scripts/fuzz-libfuzzer --plant.)
func TestDecideCatchesPlantedBug(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", "^TestSeeds$/^decide$", ".")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the decide property passed on an evaluator with a planted bug:\n%s", out)
	}
	if !strings.Contains(string(out), "not explicitDeny") {
		t.Fatalf("the decide property failed, but not on the planted bug:\n%s", out)
	}
}
