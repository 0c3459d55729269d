package main

import (
	"os"
	"runtime/debug"
)

// check's collector settings (paceCollector; eval's are with gcPacer).
const (
	checkGCPercent   = 400
	checkMemoryLimit = 1 << 30
)

// paceCollector has the collector run at gcPercent under limit, unless the user
// set GOGC or GOMEMLIMIT (then on is false and nothing changes), and returns
// what puts the settings back. check and eval (gcPacer) use it. check's
// live heap is the action catalogue (some 8 MB of small objects, decoded whole
// for the grouping) and the proofs' caches, which every collection marks
// afresh: at GOGC=100 `check corpus/policies` collected five times, about 40 %
// of its instructions (1,141 M with the collector, 630 M without; GOGC=400
// 757 M, with one collection). The larger heap's fresh pages are on huge pages
// (internal/hugeheap), so they cost little. The memory limit is a ceiling far
// above what check needs: below it GOGC=100 would have had a live heap of half
// a gigabyte (docs/performance.md, "check and the proof engine, fifth pass").
func paceCollector(gcPercent int, limit int64) (restore func(), on bool) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}, false
	}
	oldGC, oldLimit := debug.SetGCPercent(gcPercent), debug.SetMemoryLimit(limit)
	return func() {
		debug.SetGCPercent(oldGC)
		debug.SetMemoryLimit(oldLimit)
	}, true
}
