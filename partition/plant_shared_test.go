//go:build iamfuzz_plant_sharedkey

package partition

import "testing"

// With automata kept by the name a problem gives their language
// (plant_shared_on.go), the second problem gets the first one's automaton for
// its predicate and its classes change: the check must see it.
//
//	go test -tags iamfuzz_plant_sharedkey -run TestPlantedSharedKeyCaught ./partition
func TestPlantedSharedKeyCaught(t *testing.T) {
	diffs := sharedByName(t)
	if len(diffs) == 0 {
		t.Fatal("automata kept by name went unnoticed")
	}
	t.Logf("caught: %s", diffs[0])
}
