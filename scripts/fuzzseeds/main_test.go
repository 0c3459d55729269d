package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// getBytes is go-fuzz-headers' GetBytes (v0.0.0-20230811130428), the decoding
// of a go-118-fuzz-build target's []byte argument.
func getBytes(data []byte) ([]byte, bool) {
	if len(data) < 4 {
		return nil, false
	}
	length := binary.BigEndian.Uint32(data)
	left := uint32(len(data) - 4)
	if length == 0 {
		length = 30
	}
	if left == 0 {
		return nil, false
	}
	if length != left {
		length %= left
	}
	return data[4 : 4+length], true
}

func TestLibFuzzerInputDecodesToTheSeed(t *testing.T) {
	for _, seed := range [][]byte{{1}, {0xC0, 0, 7}, bytes.Repeat([]byte("x"), 384)} {
		got, ok := getBytes(libFuzzerInput(seed))
		if !ok || !bytes.Equal(got, seed) {
			t.Errorf("seed %q decodes to %q (%v)", seed, got, ok)
		}
	}
}

func TestRunWritesEveryTarget(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir, false); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"FuzzDecide", "FuzzParse", "FuzzInvariants", "FuzzLineDecoder"} {
		files, _ := os.ReadDir(filepath.Join(dir, n))
		if len(files) == 0 {
			t.Errorf("%s: no seeds written", n)
		}
	}
}

// TestEveryTarget: every target declared in ./fuzz/... has its seeds here (a
// libFuzzer build without them starts from nothing).
func TestEveryTarget(t *testing.T) {
	decl := regexp.MustCompile(`(?m)^func Fuzz(\w+)\(f \*testing\.F\)`)
	found := 0
	err := filepath.WalkDir("../../fuzz", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			found++
			if targets[m[1]] == nil {
				t.Errorf("Fuzz%s (%s) has no seeds in fuzzseeds' targets", m[1], p)
			}
		}
		return err
	})
	if err != nil || found != len(targets) {
		t.Errorf("%d targets declared, %d with seeds: %v", found, len(targets), err)
	}
}
