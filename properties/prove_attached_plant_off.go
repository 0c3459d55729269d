//go:build !iamfuzz_plant_attached

package properties

// plantedAttachedBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_attached the partition leaves out the identity
// policies attached beside the checked one (Target.policies), while requests
// are still decided with them: their patterns divide no class, so a class
// they treat two ways gets one witness. TestPlantedAttachedBugCaughtByBundleBruteForce
// proves that the bundle brute force notices.
const plantedAttachedBug = false
