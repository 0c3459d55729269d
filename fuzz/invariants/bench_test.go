package invariants

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// BenchmarkInvariantInputs: random probes on the invariant targets.
func BenchmarkInvariantInputs(b *testing.B) {
	seedcorpus.BenchInputs(b, checkInvariants, seedcorpus.RandomInputs(1000, 8, 64), 50)
}

// BenchmarkInvariantGoroutinePerInput: the same inputs, each on a new goroutine
// as go test -fuzz runs an execution: "cold" is checkInvariants there, whose
// stack grows on every input; "warm" is what the target runs (internal/warmstack).
func BenchmarkInvariantGoroutinePerInput(b *testing.B) {
	inputs := seedcorpus.RandomInputs(1000, 8, 64)
	b.Run("cold", func(b *testing.B) {
		seedcorpus.BenchInputs(b, seedcorpus.OnFreshGoroutine(checkInvariants), inputs, 50)
	})
	b.Run("warm", func(b *testing.B) {
		seedcorpus.BenchInputs(b, seedcorpus.OnFreshGoroutine(checkInvariantsWarm), inputs, 50)
	})
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
