//go:build iamfuzz_plant_patmemo

package model

// plantedPatternMemo is on: see plant_patmemo_off.go. Never build a release
// with this tag.
const plantedPatternMemo = true
