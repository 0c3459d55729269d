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

// TestPolicyCacheBounded: the cache kept every text ever sent, rejected ones too;
// a long-running serve grew without bound.
func TestPolicyCacheBounded(t *testing.T) {
	var pc PolicyCache
	for i := range 50 {
		if _, err := pc.Compile([]byte(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}],"x%d":1}`, i)), IdentityPolicy); err == nil {
			t.Fatal("an unknown top-level key was accepted")
		}
	}
	if n, _ := pc.cached(); n != 0 {
		t.Errorf("%d rejected texts cached", n)
	}
	pad := make([]byte, maxCacheBytes/cacheCost/3)
	for i := range pad {
		pad[i] = ' '
	}
	for i := range 7 {
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"s%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]%s}`, i, pad)
		if _, err := pc.Compile([]byte(doc), IdentityPolicy); err != nil {
			t.Fatal(err)
		}
		if _, b := pc.cached(); b > maxCacheBytes {
			t.Fatalf("the cache holds %d bytes, over %d", b, maxCacheBytes)
		}
	}
}

// UTF-8 text, with or without its byte-order mark, and text too short to tell
// are not UTF-16.
func TestNotUTF16(t *testing.T) {
	for _, s := range []string{"{}", "\ufeff{}", `{"a":"é"}`, "", "{"} {
		if isUTF16([]byte(s)) {
			t.Errorf("isUTF16(%q)", s)
		}
	}
}
