package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestPrepareAdvisesFreshHeap checks, on a Linux kernel with transparent huge
// pages, that Prepare leaves a heap mapping marked for huge pages ("hg" in
// /proc/self/smaps) and that the allocator hands that memory out afterwards;
// with GODEBUG=disablethp=1, that it marks none.
// Elsewhere it checks only that Prepare returns.
func TestPrepareAdvisesFreshHeap(t *testing.T) {
	const n = 16 << 20
	Prepare(n)
	Prepare(n) // once per process: a second call must neither fail nor advise again
	if runtime.GOOS != "linux" {
		return
	}
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		return // a kernel built without THP takes no advice
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	advised := hugeRanges(smaps)
	if !wanted(os.Getenv("GODEBUG")) {
		if len(advised) > 0 {
			t.Fatalf("GODEBUG=disablethp=1, yet mappings are advised: %v", advised)
		}
		return
	}
	total := uintptr(0)
	for _, r := range advised {
		total += r[1] - r[0]
	}
	if total < n {
		t.Fatalf("advised mappings cover %d bytes, want at least %d: %v", total, n, advised)
	}
	// What the program allocates next lands in the advised memory.
	var keep [][]byte
	in := false
	for i := 0; i < 4096 && !in; i++ {
		b := make([]byte, 8<<10)
		keep = append(keep, b)
		p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		for _, r := range advised {
			in = in || r[0] <= p && p < r[1]
		}
	}
	if !in {
		t.Fatalf("32 MiB of allocations after Prepare never reached the advised memory %v", advised)
	}
	runtime.KeepAlive(keep)
}

// hugeRanges returns the address ranges of the mappings whose VmFlags hold hg.
func hugeRanges(smaps []byte) [][2]uintptr {
	var out [][2]uintptr
	var lo, hi uintptr
	for _, ln := range bytes.Split(smaps, []byte("\n")) {
		s := string(ln)
		if f := strings.Fields(s); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			a, b, _ := strings.Cut(f[0], "-")
			x, err1 := strconv.ParseUint(a, 16, 64)
			y, err2 := strconv.ParseUint(b, 16, 64)
			if err1 == nil && err2 == nil {
				lo, hi = uintptr(x), uintptr(y)
				continue
			}
		}
		if rest, ok := strings.CutPrefix(s, "VmFlags:"); ok {
			for _, fl := range strings.Fields(rest) {
				if fl == "hg" {
					out = append(out, [2]uintptr{lo, hi})
				}
			}
		}
	}
	return out
}

func TestDisableTHPTurnsItOff(t *testing.T) {
	for godebug, want := range map[string]bool{
		"":                             true,
		"gctrace=1":                    true,
		"disablethp=1":                 false,
		"gctrace=1, disablethp=1":      false,
		"disablethp=1,disablethp=0":    true,
		"disablethp=0":                 true,
		"xdisablethp=1":                true,
		"madvdontneed=1,disablethp=1,": false,
	} {
		if got := wanted(godebug); got != want {
			t.Errorf("wanted(%q) = %v, want %v", godebug, got, want)
		}
	}
}
