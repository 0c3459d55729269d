package fuzz

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// The benchmarks measure each target's property on inputs like the fuzzer's,
// without the fuzzing engine, to tell the target's own cost from the engine's
// (coverage instrumentation, minimization).
//
//	go test ./fuzz -run '^$' -bench Inputs -benchmem

func randomInputs(n, minLen, maxLen int) [][]byte {
	s := properties.NewRandSource(1)
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, minLen+s.Intn(maxLen-minLen))
		for j := range out[i] {
			out[i][j] = byte(s.Intn(256))
		}
	}
	return out
}

// benchInputs also reports cpu-ns/op, the process's CPU time per input, which a
// loaded machine distorts less than ns/op.
func benchInputs(b *testing.B, check func([]byte) error, inputs [][]byte) {
	for _, in := range inputs[:min(len(inputs), 50)] {
		_ = check(in) // one-time setup (the embedded corpus, the catalogue) out of the timing
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if err := check(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
	if cpu > 0 {
		b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDecideInputs: random inputs, a quarter of them corpus cases.
func BenchmarkDecideInputs(b *testing.B) {
	benchInputs(b, checkDecide, randomInputs(1000, 16, 80))
}

// BenchmarkDecideSeeds: the decide target's seeds, most of them corpus cases
// (three bytes each), the inputs go test -fuzz mutates first.
func BenchmarkDecideSeeds(b *testing.B) {
	seeds, err := decideSeeds()
	if err != nil {
		b.Fatal(err)
	}
	benchInputs(b, checkDecide, seeds)
}

// BenchmarkInvariantInputs: random probes on the invariant targets.
func BenchmarkInvariantInputs(b *testing.B) {
	benchInputs(b, checkInvariants, randomInputs(1000, 8, 64))
}
