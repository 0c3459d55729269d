//go:build iamfuzz_plant

package model

// plantedBug is on: see plant_off.go. Never build a release with this tag.
const plantedBug = true
