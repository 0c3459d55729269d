//go:build iamfuzz_plant_rolepath

package properties

import "testing"

// With the role's ARN dropped from the classes of sessions of roles with paths
// (partition/plant_rolepath_on.go) the brute force must find a variant that the
// proof calls proved and such a session breaks (seed 3 fixed: variant 23 is the
// first catch).
//
//	go test -tags iamfuzz_plant_rolepath -run TestPlantedRolePathBugCaughtByBruteForce ./properties
func TestPlantedRolePathBugCaughtByBruteForce(t *testing.T) {
	bad, proved := bruteContradictions(t, 40, 3)
	if len(bad) == 0 {
		t.Fatalf("the planted role-path bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
