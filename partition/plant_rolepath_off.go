//go:build !iamfuzz_plant_rolepath

package partition

// plantedRolePathBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_rolepath the classes of a session of a role with a
// path lose the role's ARN (withRoleARN), so the model derives the session's
// aws:PrincipalArn without the path: properties'
// TestPlantedRolePathBugCaughtByBruteForce proves the brute-force property
// notices.
const plantedRolePathBug = false
