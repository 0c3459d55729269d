//go:build !iamfuzz_plant_datesplit

package partition

// plantedDateBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_datesplit DateWitnesses drops the gap after a bound
// written twice again: properties'
// TestPlantedDateSplitBugCaughtByConditionBruteForce proves the condition brute
// force notices.
const plantedDateBug = false
