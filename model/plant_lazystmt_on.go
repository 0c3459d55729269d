//go:build iamfuzz_plant_lazystmt

package model

// plantedLazyStmt is on: see plant_lazystmt_off.go. Never build a release with
// this tag.
const plantedLazyStmt = true
