// Package hugeheap has the heap a process is about to grow into backed by
// transparent huge pages where Linux offers them on request (THP "madvise", the
// usual default).
//
// The proof engine builds tens of megabytes of heap once per process (the
// action catalogue, the first grouping, the first proof's classes), and a
// process pays for the first touch of every page: on the 2-core VM each 4 KiB
// page fault costs about 10 µs, and `iamfuzz check corpus/policies` took
// ~10,000 of them, a third of its CPU time, and the first proof of a process
// ~2,000, half of its own (docs/performance.md, "check and the proof engine,
// fifth pass"). A 2 MiB huge page takes one fault and a zeroing instead of 512
// faults. The Go runtime does not ask for huge pages itself (Go 1.21.0 did and
// stopped: long-running servers' memory grew), so the proof engine and `iamfuzz
// check` ask for them on a bounded stretch of the heap they are about to use:
// [Prepare] has the runtime map fresh heap, marks it MADV_HUGEPAGE and gives it
// back to the allocator, which fills it next.
//
// The advice changes no value the program computes. Where the kernel offers no
// huge pages (THP "never", another OS) Prepare costs one collection of the heap
// as it is and changes nothing else; GODEBUG=disablethp=1, the runtime's own
// switch against huge pages, turns it off.
package hugeheap

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// ProofHeap is how much heap the proof engine asks to have on huge pages: more
// than `iamfuzz check corpus/policies` grows to (about 30 MB) and than a
// benchmark's five proofs; a larger heap goes on in ordinary pages past it.
// Memory is resident only once it is allocated, as without the advice, but in
// 2 MiB steps: at most this much more than otherwise.
const ProofHeap = 64 << 20

var once sync.Once

// Prepare marks the next n bytes of heap the runtime maps as huge-page backed
// and collects, so that they are free for what the program allocates next. It
// acts once per process; later calls do nothing.
func Prepare(n int) {
	once.Do(func() {
		if n <= 0 || !wanted(os.Getenv("GODEBUG")) {
			return
		}
		// A large object taken from memory the runtime maps for it is not
		// zeroed (fresh mappings are), so this touches no page.
		old := debug.SetGCPercent(-1)
		b := make([]byte, n)
		advise(b)
		runtime.KeepAlive(b)
		b = nil
		debug.SetGCPercent(old)
		runtime.GC() // b's pages go back to the allocator, still advised
	})
}

// wanted reports whether GODEBUG (its last disablethp setting, as the runtime
// reads it) leaves huge pages on.
func wanted(godebug string) bool {
	on := true
	for _, kv := range strings.Split(godebug, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(kv), "disablethp="); ok {
			on = v != "1"
		}
	}
	return on
}
