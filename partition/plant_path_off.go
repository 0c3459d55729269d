//go:build !iamfuzz_plant_pathsplit

package partition

// plantedPathBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_pathsplit the path split (pathsplit.go) is dropped,
// so users are divided only by having a path again: properties'
// TestPlantedPathSplitBugCaughtByBruteForce proves the brute-force property
// notices.
const plantedPathBug = false
