//go:build !iamfuzz_plant_partition

package partition

// plantedBug is a test-only hook, false in every normal build. With the build
// tag iamfuzz_plant_partition (apart from the model's iamfuzz_plant, so that a
// catch is this bug's) each resource walk keeps only its first region, so classes
// go missing: properties/mutate's TestPlantedPartitionBugCaught proves that the
// differential property between the proof and random sampling notices.
const plantedBug = false
