package model

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRefCacheBounded: the $ref cache never holds more than refCacheBytes.
func TestRefCacheBounded(t *testing.T) {
	dir := t.TempDir()
	if err := AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { refCacheBytes = n }(refCacheBytes)
	refCacheBytes = 4000
	big := make([]byte, refCacheBytes/4+1)
	for i := range 9 {
		name := fmt.Sprintf("p%d.json", i)
		if err := os.WriteFile(filepath.Join(dir, name), big, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readRef(name, dir); err != nil {
			t.Fatal(err)
		}
		if n := refCacheSize(); n > refCacheBytes {
			t.Fatalf("after %d files the cache holds %d bytes, over %d", i+1, n, refCacheBytes)
		}
	}
}
