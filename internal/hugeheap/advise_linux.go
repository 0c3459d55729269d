package hugeheap

import "syscall"

// advise asks for huge pages on b's memory. An error (a kernel without THP)
// leaves the memory as it was, which is only slower.
func advise(b []byte) {
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
