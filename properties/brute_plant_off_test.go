//go:build !iamfuzz_plant_partition

package properties

import "testing"

// TestProofAgreesWithBruteForce: whenever the proof engine says proved on a
// random variant of AWS's example, no request of the brute-force vocabulary
// breaks an invariant (bruteContradictions in brute_test.go says what is drawn
// and checked). A few seeded variants here (fewer with -short, never none);
// scripts/nightly raises IAMFUZZ_BRUTE_N with a fresh IAMFUZZ_BRUTE_SEED.
func TestProofAgreesWithBruteForce(t *testing.T) {
	n := 12
	if testing.Short() {
		n = 4
	}
	bad, proved := bruteContradictions(t, n, 1)
	for _, b := range bad {
		t.Error(b)
	}
	if proved == 0 {
		t.Fatal("no variant was proved, so the brute force compared nothing")
	}
}
