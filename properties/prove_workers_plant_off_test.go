//go:build !iamfuzz_plant_workers

package properties

import "testing"

// TestWorkersAgree: a proof checked on several goroutines reports what it
// reports on one (workersDisagree), on the corpus's policies and random
// variants of AWS's example. Run it with -race too: the workers share the
// target, the classes' context maps and the process's caches.
func TestWorkersAgree(t *testing.T) {
	n := 4
	if testing.Short() {
		n = 1
	}
	diffs, compared := workersDisagree(t, workerTargets(t, n))
	for _, d := range diffs {
		t.Error(d)
	}
	if compared == 0 {
		t.Fatal("nothing compared")
	}
}
