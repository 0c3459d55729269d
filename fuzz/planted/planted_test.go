//go:build !iamfuzz_plant

package planted

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSeedsCatchPlantedBug proves that the fuzz targets can fail: built with the
// test-only tag iamfuzz_plant, the evaluator compares Deny actions
// case-sensitively, and the decide target's seeds alone must catch it. (Fuzzing
// finds it too: scripts/fuzz-all --planted, and the libFuzzer build:
// scripts/fuzz-libfuzzer --plant.)
func TestSeedsCatchPlantedBug(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", "^Fuzz", "github.com/iamfuzz/iamfuzz/fuzz")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the fuzz targets' seeds passed on an evaluator with a planted bug:\n%s", out)
	}
	if !strings.Contains(string(out), "not explicitDeny") {
		t.Fatalf("the fuzz targets' seeds failed, but not on the planted bug:\n%s", out)
	}
}
