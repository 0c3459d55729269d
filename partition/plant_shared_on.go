//go:build iamfuzz_plant_sharedkey

package partition

// plantedSharedKey is on: see plant_shared_off.go. Never build a release with
// this tag.
const plantedSharedKey = true
