// Command fuzzseeds writes the seed corpus of every fuzz target of ./fuzz/...
// into DIR/<Target>/, one file per seed named by its SHA-256, for libFuzzer
// builds of the targets (scripts/fuzz-libfuzzer, .clusterfuzzlite/build.sh):
// a libFuzzer binary never sees the seeds a target adds with F.Add.
//
//	go run ./scripts/fuzzseeds -out DIR
//
// A go-118-fuzz-build target decodes its []byte argument with go-fuzz-headers
// (a 4-byte big-endian length, then the bytes), so each file holds that
// encoding: the target receives exactly the seed that go test -fuzz gives it.
// -raw writes the seeds as they are.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/iamfuzz/iamfuzz/fuzz"
	"github.com/iamfuzz/iamfuzz/fuzz/invariants"
	"github.com/iamfuzz/iamfuzz/fuzz/linedecode"
	"github.com/iamfuzz/iamfuzz/fuzz/parse"
)

// targets are every target's seeds, keyed by the target's name without its Fuzz
// prefix; each package computes its own target's seeds (main_test.go checks that
// every target of ./fuzz/... is here).
var targets = map[string]func() ([][]byte, error){
	"Decide":      fuzz.DecideSeeds,
	"Parse":       parse.Seeds,
	"Invariants":  invariants.Seeds,
	"LineDecoder": linedecode.Seeds,
}

// seedCorpora returns every target's seeds by name.
func seedCorpora() (map[string][][]byte, error) {
	out := map[string][][]byte{}
	for name, seeds := range targets {
		s, err := seeds()
		if err != nil {
			return nil, fmt.Errorf("target Fuzz%s: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
}

func main() {
	out := flag.String("out", "", "directory to write DIR/<Target>/<sha256> into (required)")
	raw := flag.Bool("raw", false, "write the seeds without go-fuzz-headers' length prefix")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: fuzzseeds -out DIR [-raw]")
		os.Exit(2)
	}
	if err := run(*out, *raw); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzseeds:", err)
		os.Exit(1)
	}
}

func run(out string, raw bool) error {
	corpora, err := seedCorpora()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(corpora))
	for n := range corpora {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		dir := filepath.Join(out, "Fuzz"+n)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, s := range corpora[n] {
			data := s
			if !raw {
				data = libFuzzerInput(s)
			}
			sum := sha256.Sum256(data)
			if err := os.WriteFile(filepath.Join(dir, hex.EncodeToString(sum[:8])), data, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "fuzzseeds: %s: %d seeds\n", filepath.Base(dir), len(corpora[n]))
	}
	return nil
}

// libFuzzerInput encodes a seed the way go-fuzz-headers' GetBytes decodes a
// []byte argument: a big-endian uint32 length equal to the bytes that follow
// is taken as is. An empty seed decodes to no call at all, which is harmless.
func libFuzzerInput(seed []byte) []byte {
	b := make([]byte, 4, 4+len(seed))
	binary.BigEndian.PutUint32(b, uint32(len(seed)))
	return append(b, seed...)
}
