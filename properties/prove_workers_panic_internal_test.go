package properties

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// A proof that panics on its own goroutine (here its Progress callback, as a
// caller's may) releases its helpers and the cores it counted as busy, so that
// a process that recovers, as serve does, loses neither. Before, the helpers
// waited for batches forever and busyCheckers stayed up.
func TestPanickingProofReleasesHelpers(t *testing.T) {
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	busy := busyCheckers.Load()
	panicked := func() (r any) {
		defer func() { r = recover() }()
		tg.Prove(context.Background(), Options{Workers: 3, Progress: func(int) { panic("progress") }})
		return nil
	}()
	if panicked != "progress" {
		t.Fatalf("recovered %v, want the callback's panic", panicked)
	}
	if n := busyCheckers.Load(); n != busy {
		t.Errorf("%d goroutines counted as busy after the proof panicked, want %d", n-busy, 0)
	}
	// The helpers have returned from their work (release waited for them);
	// give them a moment to exit. This bounds a wait, it times nothing.
	for i := 0; i < 500 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left after the proof panicked\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}
