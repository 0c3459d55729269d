package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// TestEvalFastPathSameOutput: eval writes byte for byte the same results, the
// same assertion failures and the same exit code with its fast line decoder
// (model.LineDecoder) as with the reference decoder alone, on every case of the
// corpus and on generated cases whose policies do not repeat (scripts/evalcases'
// kind), each file as one run so that the per-worker memos are exercised.
func TestEvalFastPathSameOutput(t *testing.T) {
	files, _ := filepath.Glob("../../corpus/cases/*.jsonl")
	var gen bytes.Buffer
	for _, c := range gencase.Generate(7, 600) {
		line, err := jsonv2.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		gen.Write(line)
		gen.WriteByte('\n')
	}
	genFile := filepath.Join(t.TempDir(), "gen.jsonl")
	if err := os.WriteFile(genFile, append(gen.Bytes(), gen.Bytes()...), 0o644); err != nil { // twice: the memos hit
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d corpus files", len(files))
	}
	for _, args := range [][]string{append([]string{"eval"}, files...), {"eval", genFile}, append([]string{"eval", "-explain"}, files...)} {
		useLineDecoder = false
		refCode, refOut, refErr := runCmd(t, nil, args...)
		useLineDecoder = true
		code, out, errs := runCmd(t, nil, args...)
		if code != refCode || out != refOut || errs != refErr {
			t.Errorf("eval %v: the fast path's output differs from the reference decoder's (exit %d vs %d)\nfast:\n%.2000s\nreference:\n%.2000s", args[1:2], code, refCode, out+errs, refOut+refErr)
		}
	}
}
