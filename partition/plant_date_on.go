//go:build iamfuzz_plant_datesplit

package partition

// plantedDateBug is on: see plant_date_off.go. Never build a release with this tag.
const plantedDateBug = true
