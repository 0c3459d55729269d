//go:build iamfuzz_plant_workers

package properties

import "github.com/iamfuzz/iamfuzz/partition"

// plantedWorkerBug is on: see prove_workers_plant_off.go. Never build a
// release with this tag.
const plantedWorkerBug = true

// workerPlant is the planted bug's kind.
type workerPlant uint8

const (
	// plantDrop leaves every fifth class of a batch unchecked.
	plantDrop workerPlant = iota
	// plantStaleCaller checks a class of a new caller as the previous
	// caller's: the worker keeps its last ARN across a change of principal.
	plantStaleCaller
)

// plantedWorker selects the planted bug (the test sets it).
var plantedWorker = plantDrop

// plantedMisCheck reports whether the worker must leave class i of its batch
// unchecked; with plantStaleCaller it makes the worker keep a stale caller.
func plantedMisCheck(cw *classWorker, c *partition.Class, i int) bool {
	switch plantedWorker {
	case plantDrop:
		return i%5 == 4
	case plantStaleCaller:
		if cw.lastARN != "" {
			cw.lastPr = c.Principal
		}
	}
	return false
}
