//go:build iamfuzz_plant_attached

package properties

import "testing"

// With the attached identity policies left out of the partition
// (prove_attached_plant_on.go) the bundle brute force must find a variant that
// the proof calls proved and a request breaks (seed 2 fixed: variant 158 is
// the first catch).
//
//	go test -tags iamfuzz_plant_attached -run TestPlantedAttachedBugCaughtByBundleBruteForce ./properties
func TestPlantedAttachedBugCaughtByBundleBruteForce(t *testing.T) {
	bad, proved := bundleContradictions(t, 160, 2)
	if len(bad) == 0 {
		t.Fatalf("the planted attached-policies bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
