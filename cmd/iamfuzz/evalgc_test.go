package main

import (
	"runtime/debug"
	"testing"
)

// TestGCPacer: eval collects at GOGC=200, at 400 once it has read
// evalGCLarge bytes, under evalMemoryLimit, and puts the process's settings
// back; with GOGC (or GOMEMLIMIT) set it changes nothing.
func TestGCPacer(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	g := newGCPacer()
	if p, l := gcPercentNow(), debug.SetMemoryLimit(-1); p != evalGCPercent || l != evalMemoryLimit {
		t.Fatalf("while eval runs: GOGC %d, limit %d; want %d, %d", p, l, evalGCPercent, evalMemoryLimit)
	}
	g.add(evalGCLarge - 1)
	if p := gcPercentNow(); p != evalGCPercent {
		t.Fatalf("before evalGCLarge bytes: GOGC %d", p)
	}
	g.add(1)
	if p := gcPercentNow(); p != evalGCPercentLarge {
		t.Fatalf("after evalGCLarge bytes: GOGC %d, want %d", p, evalGCPercentLarge)
	}
	g.restore()
	if p, l := gcPercentNow(), debug.SetMemoryLimit(-1); p != 77 || l != 1<<40 {
		t.Fatalf("after eval: GOGC %d, limit %d; want 77, %d", p, l, int64(1<<40))
	}

	t.Setenv("GOGC", "100")
	g = newGCPacer()
	g.add(evalGCLarge)
	if p := gcPercentNow(); p != 77 {
		t.Fatalf("with GOGC set: GOGC %d, want 77 (left alone)", p)
	}
	g.restore()
}

// TestEvalAsksForHugePagesOnce: eval asks for huge pages once, after
// evalHugeAt bytes of input, whether or not the user set GOGC (the advice is
// about page faults, not the collector), and a short run never asks.
func TestEvalAsksForHugePagesOnce(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))
	for _, gogc := range []string{"", "100"} {
		t.Setenv("GOGC", gogc)
		g := newGCPacer()
		var asked []int
		g.prepare = func(n int) { asked = append(asked, n) }
		g.add(evalHugeAt - 1)
		if len(asked) != 0 {
			t.Fatalf("GOGC=%q: asked for huge pages after %d bytes", gogc, evalHugeAt-1)
		}
		g.add(1)
		g.add(evalGCLarge)
		g.add(evalGCLarge)
		if len(asked) != 1 || asked[0] != evalHugeHeap {
			t.Fatalf("GOGC=%q: asked %v, want once for %d bytes", gogc, asked, evalHugeHeap)
		}
		g.restore()
	}
}
