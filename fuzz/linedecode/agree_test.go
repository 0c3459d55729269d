package linedecode

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// TestLineDecoderAgrees: on every JSON-lines file of the corpus (cases, examples,
// hostile, recorded: all of them, of any length), their variants and the
// hand-written lines, the fast decoder agrees with the reference whenever it
// accepts a line, and it accepts the well-formed lines (else eval would not be
// fast); with DeferPolicyChecks, a line it accepts and the reference rejects
// has a policy that does not compile (checkDeferred). fuzz/planted builds it with a planted decoder bug and expects it to fail.
func TestLineDecoderAgrees(t *testing.T) {
	var files []string
	_ = filepath.WalkDir("../../corpus", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".jsonl") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 10 {
		t.Fatalf("only %d corpus files", len(files))
	}
	var lines [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, Lines(data)...)
	}
	var d model.LineDecoder
	deferred := model.LineDecoder{DeferPolicyChecks: true}
	accepted, plain := 0, 0
	for _, line := range WithVariants(lines) {
		if err := checkLine(&d, line); err != nil {
			t.Fatal(err)
		}
		if err := checkDeferred(&deferred, line); err != nil {
			t.Fatal(err)
		}
		if _, err := model.ParseCaseShared(line); err == nil && !bytes.Contains(line, []byte("null")) && !bytes.Contains(line, []byte(`\u`)) {
			plain++
			if _, _, ok := d.Decode(line); ok {
				accepted++
			}
		}
	}
	t.Logf("the fast path accepted %d of the %d lines the reference accepts (without null or \\u escapes)", accepted, plain)
	if plain == 0 || accepted < plain*9/10 {
		t.Errorf("the fast path accepted %d of %d lines the reference accepts", accepted, plain)
	}
}

// TestSeedsAreSmall: the target has seeds, none longer than MaxInput.
func TestSeedsAreSmall(t *testing.T) {
	seeds, err := Seeds()
	if err != nil || len(seeds) < maxSeeds/2 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	for _, s := range seeds {
		if len(s) > MaxInput {
			t.Errorf("a seed of %d bytes, over %d", len(s), MaxInput)
		}
	}
}
