//go:build iamfuzz_plant_partition

package partition

// plantedBug is on: see plant_off.go. Never build a release with this tag.
const plantedBug = true
