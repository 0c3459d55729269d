package fuzz

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// The benchmarks measure the decide target's property on inputs like the
// fuzzer's, without the fuzzing engine (seedcorpus.BenchInputs):
//
//	go test ./fuzz/... -run '^$' -bench Inputs -benchmem

// BenchmarkDecideInputs: random inputs, a quarter of them corpus cases.
func BenchmarkDecideInputs(b *testing.B) {
	seedcorpus.BenchInputs(b, checkDecide, seedcorpus.RandomInputs(1000, 16, 80))
}

// BenchmarkDecideSeeds: the decide target's seeds, most of them corpus cases
// (three bytes each), the inputs go test -fuzz mutates first.
func BenchmarkDecideSeeds(b *testing.B) {
	seeds, err := DecideSeeds()
	if err != nil {
		b.Fatal(err)
	}
	seedcorpus.BenchInputs(b, checkDecide, seeds)
}
