package properties

import (
	"sync"
	"testing"
)

// TestDiscardQueuedNeverBlocks races discardQueued with a helper taking the
// last queued batch, as a stopped proof's finish does. A discard that checks
// the length and then receives blocks forever when the helper wins, and the
// test then ends at go test's timeout.
func TestDiscardQueuedNeverBlocks(t *testing.T) {
	for i := 0; i < 20000; i++ {
		work := make(chan *classBatch, 4)
		work <- &classBatch{}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-work:
			default:
			}
		}()
		discardQueued(work)
		wg.Wait()
		if len(work) != 0 {
			t.Fatalf("iteration %d: %d batches left queued", i, len(work))
		}
	}
}
