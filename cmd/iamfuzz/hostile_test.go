package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHostile is the adversarial suite over corpus/hostile: every hostile case is
// answered, in bounded time, with the decision or error kind it expects (README,
// "Limits").
func TestHostile(t *testing.T) {
	files, _ := filepath.Glob("../../corpus/hostile/*.jsonl")
	if len(files) == 0 {
		t.Fatal("no corpus/hostile/*.jsonl")
	}
	code, _, errs := runCmd(t, nil, append([]string{"eval"}, files...)...)
	if code != exitOK || !strings.Contains(errs, " 0 failed") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}
