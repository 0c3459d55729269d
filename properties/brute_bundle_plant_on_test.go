//go:build iamfuzz_plant_sessionusers

package properties

import "testing"

// With the session policy applied to the classes of IAM users
// (prove_bundle_plant_on.go) the bundle brute force must find a variant that
// the proof calls proved and a user's request breaks (seed 2 fixed: variant 51
// is the first catch).
//
//	go test -tags iamfuzz_plant_sessionusers -run TestPlantedSessionUsersBugCaughtByBundleBruteForce ./properties
func TestPlantedSessionUsersBugCaughtByBundleBruteForce(t *testing.T) {
	bad, proved := bundleContradictions(t, 60, 2)
	if len(bad) == 0 {
		t.Fatalf("the planted session-for-users bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
