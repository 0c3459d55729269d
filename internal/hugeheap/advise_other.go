//go:build !linux

package hugeheap

// advise does nothing where the kernel takes no MADV_HUGEPAGE.
func advise([]byte) {}
