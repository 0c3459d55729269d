package invariants

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// BenchmarkInvariantInputs: random probes on the invariant targets.
func BenchmarkInvariantInputs(b *testing.B) {
	seedcorpus.BenchInputs(b, checkInvariants, seedcorpus.RandomInputs(1000, 8, 64), 50)
}

// TestSeedsAreSmall: the target has seeds, none longer than MaxInput.
func TestSeedsAreSmall(t *testing.T) {
	seeds, err := Seeds()
	if err != nil || len(seeds) == 0 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	for _, s := range seeds {
		if len(s) > MaxInput {
			t.Errorf("a seed of %d bytes, over %d: %q", len(s), MaxInput, s)
		}
	}
}

// TestTargetsFromAnotherDirectory: the targets do not depend on the working
// directory (libFuzzer binaries run elsewhere, without the source tree).
func TestTargetsFromAnotherDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	targets, err := readTargets()
	if err != nil || len(targets) == 0 {
		t.Fatalf("%d invariant targets: %v", len(targets), err)
	}
}
