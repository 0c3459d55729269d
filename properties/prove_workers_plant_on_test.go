//go:build iamfuzz_plant_workers

package properties

import (
	"strings"
	"testing"
)

// With a planted worker bug (prove_workers_plant_on.go: a worker that drops
// every fifth class of its batches, or checks a new caller's classes as the
// previous caller's) the agreement property between one and several workers
// must notice, on the corpus policies alone.
//
//	go test -tags iamfuzz_plant_workers -run TestPlantedWorkerBugCaught ./properties
func TestPlantedWorkerBugCaught(t *testing.T) {
	targets := workerTargets(t, 0)
	for _, plant := range []workerPlant{plantDrop, plantStaleCaller} {
		plantedWorker = plant
		diffs, compared := workersDisagree(t, targets)
		if len(diffs) == 0 {
			t.Errorf("planted worker bug %d went unnoticed over %d comparisons", plant, compared)
			continue
		}
		first, _, _ := strings.Cut(diffs[0], "\n")
		t.Logf("planted worker bug %d: %d of %d comparisons differ; the first: %s", plant, len(diffs), compared, first)
	}
}
