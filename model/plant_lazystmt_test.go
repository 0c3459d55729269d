//go:build iamfuzz_plant_lazystmt

package model

import "testing"

// With Explain's trace reading a lazily compiled statement's conditions before
// they are compiled (plant_lazystmt_on.go), a case explained first gets another
// decision or trace: the check must see it.
//
//	go test -tags iamfuzz_plant_lazystmt -run TestPlantedLazyStmtCaught ./model
func TestPlantedLazyStmtCaught(t *testing.T) {
	diffs := cacheDecideDiffs(t)
	if len(diffs) == 0 {
		t.Fatal("a trace reading statements before they are compiled went unnoticed")
	}
	t.Logf("caught %d: %.300s", len(diffs), diffs[0])
}
