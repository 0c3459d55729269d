//go:build iamfuzz_plant_partition

package mutate_test

import "testing"

// With the partition's planted bug (classes go missing) the differential
// property must find a mutant where sampling fails and the proof says proved.
//
//	go test -tags iamfuzz_plant_partition -run TestPlantedPartitionBugCaught ./properties/mutate
func TestPlantedPartitionBugCaught(t *testing.T) {
	bad, compared, _ := contradictions(t)
	if len(bad) == 0 {
		t.Fatalf("the planted partition bug went unnoticed over %d policies", compared)
	}
	t.Logf("caught: %s", bad[0])
}
