package seedcorpus

import "math/rand/v2"

// The target packages' benchmarks measure each target's property on inputs like
// the fuzzer's, without the fuzzing engine, to tell the target's own cost from the
// engine's (coverage counters, minimization):
//
//	go test ./fuzz/... -run '^$' -bench Inputs -benchmem

// Bencher is what BenchInputs needs of *testing.B (an interface, so that this
// package does not import testing: see Fataler).
type Bencher interface {
	Helper()
	ReportAllocs()
	Loop() bool
	Fatal(args ...any)
	ReportMetric(n float64, unit string)
}

// RandomInputs returns n reproducible random inputs of minLen to maxLen-1 bytes.
func RandomInputs(n, minLen, maxLen int) [][]byte {
	r := rand.New(rand.NewPCG(1, 1^0x9e3779b97f4a7c15))
	out := make([][]byte, n)
	for i := range out {
		out[i] = make([]byte, minLen+r.IntN(maxLen-minLen))
		for j := range out[i] {
			out[i][j] = byte(r.IntN(256))
		}
	}
	return out
}

// BenchInputs runs check over inputs, round robin, and also reports cpu-ns/op,
// the process's CPU time per input, which a loaded machine distorts less than
// ns/op. The first inputs run once before the timing (one-time setup: the
// embedded corpus, the catalogue).
func BenchInputs(b Bencher, check func([]byte) error, inputs [][]byte) {
	b.Helper()
	for _, in := range inputs[:min(len(inputs), 50)] {
		_ = check(in)
	}
	b.ReportAllocs()
	cpu := ProcessCPU()
	n := 0
	for b.Loop() {
		if err := check(inputs[n%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if cpu > 0 && n > 0 {
		b.ReportMetric(float64(ProcessCPU()-cpu)/float64(n), "cpu-ns/op")
	}
}
