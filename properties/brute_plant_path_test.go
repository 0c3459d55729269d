//go:build iamfuzz_plant_pathsplit

package properties

import "testing"

// With the path split dropped (partition/plant_path_on.go) the brute force must
// find a path-family variant that the proof calls proved and a user with a
// path breaks (seed 2 fixed: variant 33 is the first catch).
//
//	go test -tags iamfuzz_plant_pathsplit -run TestPlantedPathSplitBugCaughtByBruteForce ./properties
func TestPlantedPathSplitBugCaughtByBruteForce(t *testing.T) {
	bad, proved := bruteContradictions(t, 40, 2)
	if len(bad) == 0 {
		t.Fatalf("the planted path-split bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
