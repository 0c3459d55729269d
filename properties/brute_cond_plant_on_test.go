//go:build iamfuzz_plant_datesplit

package properties

import "testing"

// With the gap after a date bound written twice dropped again
// (partition/plant_date_on.go) the condition brute force must find a variant
// that the proof calls proved and a date breaks (seed 11 fixed: variant 4 is
// the first catch).
//
//	go test -tags iamfuzz_plant_datesplit -run TestPlantedDateSplitBugCaughtByConditionBruteForce ./properties
func TestPlantedDateSplitBugCaughtByConditionBruteForce(t *testing.T) {
	bad, proved := condContradictions(t, 40, 11)
	if len(bad) == 0 {
		t.Fatalf("the planted date-split bug went unnoticed over %d proved variants", proved)
	}
	t.Logf("caught: %s", bad[0])
}
