//go:build !iamfuzz_plant_sessionusers && !iamfuzz_plant_attached

package properties

import "testing"

// TestProofAgreesWithBundleBruteForce: whenever the proof engine says proved
// on a random identity policy among random boundaries, SCPs, RCPs and session
// policies, no request of the vocabulary breaks the never rule
// (bundleContradictions in brute_bundle_test.go says what is drawn and
// checked). A few seeded variants here (fewer with -short, never none);
// scripts/nightly raises IAMFUZZ_BBRUTE_N with a fresh IAMFUZZ_BBRUTE_SEED.
func TestProofAgreesWithBundleBruteForce(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 10
	}
	bad, proved := bundleContradictions(t, n, 1)
	for _, b := range bad {
		t.Error(b)
	}
	if proved == 0 {
		t.Fatal("no variant was proved, so the brute force compared nothing")
	}
}
