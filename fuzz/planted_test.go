//go:build !iamfuzz_plant

package fuzz

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestFuzzDecideCatchesPlantedBug proves that FuzzDecide can fail: built with the
// test-only tag iamfuzz_plant, the evaluator compares Deny actions
// case-sensitively, and FuzzDecide's seed corpus alone must catch it. (Fuzzing
// finds it too: scripts/fuzz-all --planted.)
func TestFuzzDecideCatchesPlantedBug(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", "^FuzzDecide$", ".")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("FuzzDecide passed on an evaluator with a planted bug:\n%s", out)
	}
	if !strings.Contains(string(out), "not explicitDeny") {
		t.Fatalf("FuzzDecide failed, but not on the planted bug:\n%s", out)
	}
}
