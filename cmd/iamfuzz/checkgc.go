package main

import (
	"os"
	"runtime/debug"
)

// check's collector settings (paceCheckCollector).
const (
	checkGCPercent   = 400
	checkMemoryLimit = 1 << 30
)

// paceCheckCollector has the collector run less often while check runs, unless
// GOGC or GOMEMLIMIT is set, and returns what puts the settings back. check's
// live heap is the action catalogue (some 8 MB of small objects, decoded whole
// for the grouping) and the proofs' caches, which every collection marks
// afresh: at GOGC=100 `check corpus/policies` collected five times, about 40 %
// of its instructions (1,141 M with the collector, 630 M without; GOGC=400
// 757 M, with one collection). The larger heap's fresh pages are on huge pages
// (internal/hugeheap), so they cost little. The memory limit is a ceiling far
// above what check needs: below it GOGC=100 would have had a live heap of half
// a gigabyte (docs/performance.md, "check and the proof engine, fifth pass").
func paceCheckCollector() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc, limit := debug.SetGCPercent(checkGCPercent), debug.SetMemoryLimit(checkMemoryLimit)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}
