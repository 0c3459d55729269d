//go:build !iamfuzz_plant_patmemo && !iamfuzz_plant_lazystmt

package model

import "testing"

// TestCacheCompileAgrees holds PolicyCache.Compile, whose compiled patterns
// come from a memo shared by every policy it compiles and whose statements are
// compiled when a decision first needs them, to Compile on each policy alone
// (docs/performance.md, "eval, ninth pass"). TestPlantedPatternMemoCaught
// proves it catches a memo that mixes up two compilations of one text.
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
