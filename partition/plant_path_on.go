//go:build iamfuzz_plant_pathsplit

package partition

// plantedPathBug is on: see plant_path_off.go. Never build a release with this tag.
const plantedPathBug = true
