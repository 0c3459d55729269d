package seedcorpus_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/fuzz/parse"
)

var updateSeeds = flag.Bool("update", false, "rewrite fuzz/parse/managed_seeds.txt")

// TestParseManagedSeeds: the parse target's embedded sample of the managed
// policies' statements is what parse.ManagedSeeds gives on corpus/managed today
// (package parse does not link corpus/managed, see there; nor does any target
// package's test, whose imports go test -fuzz instruments too). -update rewrites it.
func TestParseManagedSeeds(t *testing.T) {
	mps, err := managed.Load()
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]string, len(mps))
	for i, mp := range mps {
		docs[i] = mp.Document
	}
	want := parse.ManagedSeeds(docs)
	const file = "../parse/managed_seeds.txt"
	if *updateSeeds {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || len(want) == 0 {
		t.Fatalf("%s is stale or empty (%d bytes, want %d): go test ./fuzz/seedcorpus -run TestParseManagedSeeds -update", file, len(got), len(want))
	}
}
