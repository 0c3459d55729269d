//go:build !iamfuzz_plant_patmemo

package model

import "testing"

// TestCacheCompileAgrees holds PolicyCache.Compile, whose compiled patterns
// come from a memo shared by every policy it compiles, to Compile on each
// policy alone (docs/performance.md, "eval, ninth pass").
// TestPlantedPatternMemoCaught proves it catches a memo that mixes up two
// compilations of one text.
func TestCacheCompileAgrees(t *testing.T) {
	for _, d := range cacheCompileDiffs(t) {
		t.Error(d)
	}
}
