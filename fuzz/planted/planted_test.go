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

// TestLineDecoderCatchesPlantedBug proves that the agreement test of eval's fast
// line decoder can fail: built with iamfuzz_plant, model.LineDecoder accepts
// duplicate member names (the reference rejects them), and TestLineDecoderAgrees
// (which the line decoder's fuzz target shares its check with, in fuzz/linedecode)
// must report it.
func TestLineDecoderCatchesPlantedBug(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", "^TestLineDecoderAgrees$", "github.com/iamfuzz/iamfuzz/fuzz/linedecode")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("TestLineDecoderAgrees passed on a line decoder with a planted bug:\n%s", out)
	}
	if !strings.Contains(string(out), "accepted a line the reference rejects") {
		t.Fatalf("TestLineDecoderAgrees failed, but not on the planted bug:\n%s", out)
	}
}

// TestParseScannerCatchesPlantedBug proves that the agreement check of the
// policy parser's fast scanner (model/scan.go) can fail: built with
// iamfuzz_plant, the scanner reads a number with a leading zero (01), which
// the reference (jsontext) rejects, and TestParseAgrees (the parse target's
// property, checkParse) must report it.
func TestParseScannerCatchesPlantedBug(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "iamfuzz_plant", "-count=1", "-run", "^TestParseAgrees$", "github.com/iamfuzz/iamfuzz/fuzz/parse")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("TestParseAgrees passed on a fast scanner with a planted bug:\n%s", out)
	}
	if !strings.Contains(string(out), "model.Parse and model.ParseReference disagree") {
		t.Fatalf("TestParseAgrees failed, but not on the planted bug:\n%s", out)
	}
}
