//go:build iamfuzz_plant_rolepath

package partition

// plantedRolePathBug is on: see plant_rolepath_off.go. Never build a release with this tag.
const plantedRolePathBug = true
