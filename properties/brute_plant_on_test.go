//go:build iamfuzz_plant_partition

package properties

import "testing"

// With the partition's planted bug (each resource walk keeps only its first
// region, partition/plant_on.go) the brute force must find a variant that the
// proof calls proved and a request breaks. Seed 1 is fixed so that the catch
// is reproducible; the variants are the same as TestProofAgreesWithBruteForce's.
//
//	go test -tags iamfuzz_plant_partition -run TestPlantedPartitionBugCaughtByBruteForce ./properties
func TestPlantedPartitionBugCaughtByBruteForce(t *testing.T) {
	bad, proved := bruteContradictions(t, 12, 1)
	if len(bad) == 0 {
		t.Fatalf("the planted partition bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
