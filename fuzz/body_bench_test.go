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
	seedcorpus.BenchInputs(b, checkDecide, seedcorpus.RandomInputs(1000, 16, 80), 50)
}

// BenchmarkDecideSeeds: the decide target's seeds, most of them corpus cases
// (three bytes each), the inputs go test -fuzz mutates first.
func BenchmarkDecideSeeds(b *testing.B) {
	seeds, err := DecideSeeds()
	if err != nil {
		b.Fatal(err)
	}
	seedcorpus.BenchInputs(b, checkDecide, seeds, 50)
}

// BenchmarkDecideFresh: random inputs that never repeat (more inputs than the
// policy cache holds), so every generated policy is parsed and compiled;
// BenchmarkDecideInputs's thousand inputs repeat and hit the caches.
func BenchmarkDecideFresh(b *testing.B) {
	seedcorpus.BenchInputs(b, checkDecide, seedcorpus.RandomInputs(20000, 16, 80), 50)
}

// warmMutated inputs run before BenchmarkDecideMutated's timing: about what it
// takes to draw most of the extra policies' pool (extraPool), which a fuzzing
// run does in its first second.
const warmMutated = 5000

// BenchmarkDecideMutated: the seeds with one to three small random edits each,
// 100,000 of them (none repeats within a run), like the inputs go test -fuzz derives from its corpus (most of
// which are corpus cases whose policies stay compiled).
func BenchmarkDecideMutated(b *testing.B) {
	seeds, err := DecideSeeds()
	if err != nil {
		b.Fatal(err)
	}
	seedcorpus.BenchInputs(b, checkDecide, seedcorpus.MutatedInputs(seeds, 100000, maxDecideInput), warmMutated)
}

// BenchmarkDecideGoroutinePerInput: BenchmarkDecideMutated's inputs, each run
// on a new goroutine as go test -fuzz runs an execution: "cold" is checkDecide
// there, whose stack grows on every input; "warm" is what the target runs,
// checkDecideWarm, which hands the input to a goroutine whose stack has grown
// once (internal/warmstack).
func BenchmarkDecideGoroutinePerInput(b *testing.B) {
	seeds, err := DecideSeeds()
	if err != nil {
		b.Fatal(err)
	}
	inputs := seedcorpus.MutatedInputs(seeds, 100000, maxDecideInput)
	b.Run("cold", func(b *testing.B) {
		seedcorpus.BenchInputs(b, seedcorpus.OnFreshGoroutine(checkDecide), inputs, warmMutated)
	})
	b.Run("warm", func(b *testing.B) {
		seedcorpus.BenchInputs(b, seedcorpus.OnFreshGoroutine(checkDecideWarm), inputs, warmMutated)
	})
}
