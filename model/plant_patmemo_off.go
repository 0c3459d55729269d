//go:build !iamfuzz_plant_patmemo

package model

// plantedPatternMemo is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_patmemo a PolicyCache's pattern memo forgets whether
// a pattern reads policy variables, so a pattern compiled for a policy of
// Version 2012-10-17 is reused for one without (and the other way round):
// TestPlantedPatternMemoCaught proves that TestCacheCompileAgrees notices.
const plantedPatternMemo = false
