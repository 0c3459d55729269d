//go:build !iamfuzz_plant_partition

package mutate_test

import "testing"

// The differential property: whenever long random sampling finds a violation on
// a mutant, the proof engine never says proved. Bounded here; the nightly run
// raises IAMFUZZ_PROOF_CHECKS and IAMFUZZ_PROOF_SECOND.
func TestProofNeverContradictsSampling(t *testing.T) {
	bad, compared, fails := contradictions(t)
	t.Logf("%d policies compared, sampling found a violation in %d", compared, fails)
	if fails == 0 {
		t.Fatal("sampling found no violation at all: the property compared nothing")
	}
	for _, b := range bad {
		t.Error(b)
	}
}
