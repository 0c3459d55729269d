//go:build iamfuzz_plant_attached

package properties

// plantedAttachedBug is on: see prove_attached_plant_off.go. Never build a
// release with this tag.
const plantedAttachedBug = true
