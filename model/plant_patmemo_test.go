//go:build iamfuzz_plant_patmemo

package model

import "testing"

// With the pattern memo forgetting whether a pattern reads variables
// (plant_patmemo_on.go), a policy without Version 2012-10-17 gets another
// policy's compiled variables, or the other way round: the check must see it.
//
//	go test -tags iamfuzz_plant_patmemo -run TestPlantedPatternMemoCaught ./model
func TestPlantedPatternMemoCaught(t *testing.T) {
	diffs := cacheCompileDiffs(t)
	if len(diffs) == 0 {
		t.Fatal("a pattern memo that ignores variables went unnoticed")
	}
	t.Logf("caught %d: %.300s", len(diffs), diffs[0])
}
