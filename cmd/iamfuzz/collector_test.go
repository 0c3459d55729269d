package main

import (
	"runtime/debug"
	"testing"
)

// gcPercentNow reads the collector's GOGC setting by setting it back.
func gcPercentNow() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestCheckCollector: check collects at checkGCPercent under checkMemoryLimit
// and puts the process's settings back; with GOGC or GOMEMLIMIT set it changes
// nothing.
func TestCheckCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore, _ := paceCollector(checkGCPercent, checkMemoryLimit)
	if p, l := gcPercentNow(), debug.SetMemoryLimit(-1); p != checkGCPercent || l != checkMemoryLimit {
		t.Fatalf("while check runs: GOGC %d, limit %d; want %d, %d", p, l, checkGCPercent, checkMemoryLimit)
	}
	restore()
	if p, l := gcPercentNow(), debug.SetMemoryLimit(-1); p != 77 || l != 1<<40 {
		t.Fatalf("after check: GOGC %d, limit %d; want 77, %d", p, l, int64(1<<40))
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		t.Setenv(env, "100")
		restore, _ := paceCollector(checkGCPercent, checkMemoryLimit)
		if p, l := gcPercentNow(), debug.SetMemoryLimit(-1); p != 77 || l != 1<<40 {
			t.Fatalf("with %s set: GOGC %d, limit %d; want both left alone", env, p, l)
		}
		restore()
	}
}
