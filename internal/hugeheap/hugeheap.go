// Package hugeheap has a short-lived command's heap backed by transparent huge
// pages where Linux offers them on request (THP "madvise", the usual default).
//
// A process that builds tens of megabytes of heap once and exits pays for the
// first touch of every page: on the 2-core VM each 4 KiB page fault costs about
// 10 µs, and `iamfuzz check corpus/policies` took ~10,000 of them, a third of its
// CPU time (docs/performance.md, "check and the proof engine, fifth pass").
// A 2 MiB huge page takes one fault and a zeroing instead of 512 faults. The Go
// runtime does not ask for huge pages itself (it did in Go 1.21.0 and stopped:
// long-running servers saw their memory grow), so a command asks for them on the
// heap it is about to use: [Prepare] has the runtime map fresh heap, marks it
// MADV_HUGEPAGE and gives it back to the allocator, which fills it next.
//
// The advice changes no value the program computes; where the kernel offers no
// huge pages (THP "never", another OS) Prepare costs one collection of a tiny
// heap and changes nothing else.
package hugeheap

import (
	"runtime"
	"sync"
)

var once sync.Once

// Prepare marks the next n bytes of heap the runtime maps as huge-page backed
// (rounded to whole huge pages inside them by the kernel) and collects, so that
// they are free for what the program allocates next. It acts once per process;
// later calls do nothing. Memory is touched (and counted in the process's
// resident size) only when the program allocates it, as without Prepare, but in
// 2 MiB steps.
func Prepare(n int) {
	once.Do(func() {
		if n <= 0 {
			return
		}
		// A large object taken from memory the runtime maps for it is not
		// zeroed (fresh mappings are), so this touches no page.
		b := make([]byte, n)
		advise(b)
		runtime.KeepAlive(b)
		b = nil
		runtime.GC() // b's pages go back to the allocator, still advised
	})
}
