//go:build iamfuzz_plant_cleanmemo

package model

// plantedCleanMemo is on: see plant_cleanmemo_off.go. Never build a release
// with this tag.
const plantedCleanMemo = true
