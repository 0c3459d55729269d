//go:build iamfuzz_plant_cleanmemo

package model

import "testing"

// With the memo of cleanly validated resources forgetting whether a policy
// reads variables (plant_cleanmemo_on.go), a policy without Version 2012-10-17
// loses the warning about its literal variable: the check must see it.
//
//	go test -tags iamfuzz_plant_cleanmemo -run TestPlantedCleanMemoCaught ./model
func TestPlantedCleanMemoCaught(t *testing.T) {
	diffs := cacheCompileDiffs(t)
	if len(diffs) == 0 {
		t.Fatal("a memo of clean resources that ignores variables went unnoticed")
	}
	t.Logf("caught %d: %.300s", len(diffs), diffs[0])
}
