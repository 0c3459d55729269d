//go:build !iamfuzz_plant_datesplit

package properties

import "testing"

// TestProofAgreesWithConditionBruteForce: see condContradictions.
func TestProofAgreesWithConditionBruteForce(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 15
	}
	bad, proved := condContradictions(t, n, 1)
	for _, b := range bad {
		t.Error(b)
	}
	if proved == 0 {
		t.Fatal("no variant was proved, so the brute force compared nothing")
	}
}
