package main

import (
	"runtime/debug"
	"testing"
)

// TestCheckCollector: check collects at checkGCPercent under checkMemoryLimit
// and puts the process's settings back; with GOGC or GOMEMLIMIT set it changes
// nothing.
func TestCheckCollector(t *testing.T) {
	gcNow := func() int { // reads the setting by setting it back
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore := paceCheckCollector()
	if p, l := gcNow(), debug.SetMemoryLimit(-1); p != checkGCPercent || l != checkMemoryLimit {
		t.Fatalf("while check runs: GOGC %d, limit %d; want %d, %d", p, l, checkGCPercent, checkMemoryLimit)
	}
	restore()
	if p, l := gcNow(), debug.SetMemoryLimit(-1); p != 77 || l != 1<<40 {
		t.Fatalf("after check: GOGC %d, limit %d; want 77, %d", p, l, int64(1<<40))
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		t.Setenv(env, "100")
		restore := paceCheckCollector()
		if p, l := gcNow(), debug.SetMemoryLimit(-1); p != 77 || l != 1<<40 {
			t.Fatalf("with %s set: GOGC %d, limit %d; want both left alone", env, p, l)
		}
		restore()
	}
}
