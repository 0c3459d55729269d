//go:build !iamfuzz_plant_workers

package properties

import "github.com/iamfuzz/iamfuzz/partition"

// plantedWorkerBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_workers a goroutine checking a batch of a proof's
// classes drops some of them or checks them as another caller's
// (prove_workers_plant_on.go): TestPlantedWorkerBugCaught proves that the
// agreement property between one and several workers notices.
const plantedWorkerBug = false

func plantedMisCheck(*classWorker, *partition.Class, int) bool { return false }
