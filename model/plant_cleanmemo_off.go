//go:build !iamfuzz_plant_cleanmemo

package model

// plantedCleanMemo is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_cleanmemo a PolicyCache's memo of cleanly validated
// resources forgets whether the policy reads variables, so a resource that is
// clean in a policy of Version 2012-10-17 skips the warning it gets in one
// without: TestPlantedCleanMemoCaught proves that TestCacheCompileAgrees notices.
const plantedCleanMemo = false
