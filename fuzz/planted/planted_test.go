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
	runPlanted(t, "github.com/iamfuzz/iamfuzz/fuzz", "^Fuzz", "not explicitDeny")
}

// TestLineDecoderCatchesPlantedBug proves that the agreement test of eval's fast
// line decoder can fail: built with iamfuzz_plant, model.LineDecoder accepts
// duplicate member names (the reference rejects them), and TestLineDecoderAgrees
// (which the line decoder's fuzz target shares its check with, in fuzz/linedecode)
// must report it.
func TestLineDecoderCatchesPlantedBug(t *testing.T) {
	runPlanted(t, "github.com/iamfuzz/iamfuzz/fuzz/linedecode", "^TestLineDecoderAgrees$", "accepted a line the reference rejects")
}

// TestParseScannerCatchesPlantedBug proves that the agreement check of the
// policy parser's fast scanner (model/scan.go) can fail: built with
// iamfuzz_plant, the scanner reads a number with a leading zero (01), which
// the reference (jsontext) rejects, and TestParseAgrees (the parse target's
// property, checkParse) must report it.
func TestParseScannerCatchesPlantedBug(t *testing.T) {
	runPlanted(t, "github.com/iamfuzz/iamfuzz/fuzz/parse", "^TestParseAgrees$", "model.Parse and model.ParseReference disagree")
}

// runPlanted runs the tests of pkg that match run, built with iamfuzz_plant,
// and fails unless they fail on the planted bug: their output names it (want).
// The deadline only ends a hung build; it asserts nothing about time.
func runPlanted(t *testing.T, pkg, run, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", run, pkg).CombinedOutput()
	if err == nil {
		t.Fatalf("%s -run %s passed with the planted bug in:\n%s", pkg, run, out)
	}
	if !strings.Contains(string(out), want) {
		t.Fatalf("%s -run %s failed, but not on the planted bug (%q):\n%s", pkg, run, want, out)
	}
}
