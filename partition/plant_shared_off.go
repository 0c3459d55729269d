//go:build !iamfuzz_plant_sharedkey

package partition

// plantedSharedKey is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_sharedkey the process keeps automata (and so walks)
// by the name an enumeration gives a language instead of by its expression:
// TestPlantedSharedKeyCaught proves that TestSharedAutomataFollowTheLanguage's
// check notices.
const plantedSharedKey = false
