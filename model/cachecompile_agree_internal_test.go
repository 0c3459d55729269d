//go:build !iamfuzz_plant_patmemo && !iamfuzz_plant_lazystmt && !iamfuzz_plant_cleanmemo

package model

import "testing"

// TestCacheCompileAgrees holds PolicyCache.Compile, whose compiled patterns
// and cleanly validated resources come from memos shared by every policy it
// compiles and whose statements are compiled when a decision first needs them,
// to Parse and Compile on each policy alone (docs/performance.md, "eval, ninth
// pass"). TestPlantedPatternMemoCaught and TestPlantedCleanMemoCaught prove it
// catches memos that mix up a text read with and without variables.
func TestCacheCompileAgrees(t *testing.T) {
	for _, d := range cacheCompileDiffs(t) {
		t.Error(d)
	}
}

// TestCacheDecideAgrees holds decisions and traces through a PolicyCache, its
// statements compiled as decisions and traces reach them, to those on policies
// compiled whole. TestPlantedLazyStmtCaught proves it catches a trace that
// reads a statement before it is compiled.
func TestCacheDecideAgrees(t *testing.T) {
	for _, d := range cacheDecideDiffs(t) {
		t.Error(d)
	}
}
