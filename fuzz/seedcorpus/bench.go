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

// MutatedInputs returns n reproducible inputs, each one of seeds with one to
// three small edits (a byte set, inserted or deleted, or up to eight random bytes
// appended), at most maxLen bytes: the kind of input go test -fuzz derives from
// its corpus.
func MutatedInputs(seeds [][]byte, n, maxLen int) [][]byte {
	r := rand.New(rand.NewPCG(2, 2^0x9e3779b97f4a7c15))
	out := make([][]byte, n)
	for i := range out {
		in := append([]byte{}, seeds[r.IntN(len(seeds))]...)
		for range 1 + r.IntN(3) {
			switch k := r.IntN(4); {
			case k == 0 && len(in) > 0:
				in[r.IntN(len(in))] = byte(r.IntN(256))
			case k == 1:
				at := r.IntN(len(in) + 1)
				in = append(in[:at], append([]byte{byte(r.IntN(256))}, in[at:]...)...)
			case k == 2 && len(in) > 1:
				at := r.IntN(len(in))
				in = append(in[:at], in[at+1:]...)
			default:
				for range 1 + r.IntN(8) {
					in = append(in, byte(r.IntN(256)))
				}
			}
		}
		out[i] = in[:min(len(in), maxLen)]
	}
	return out
}

// BenchInputs runs check over inputs, round robin, and also reports cpu-ns/op,
// the process's CPU time per input, which a loaded machine distorts less than
// ns/op. The first warm inputs run once before the timing (one-time setup: the
// embedded corpus, the catalogue, the property's fixed pools), and the timing
// starts after them, so that inputs that never repeat stay fresh.
func BenchInputs(b Bencher, check func([]byte) error, inputs [][]byte, warm int) {
	b.Helper()
	warm = min(len(inputs), warm)
	for _, in := range inputs[:warm] {
		_ = check(in)
	}
	b.ReportAllocs()
	cpu := ProcessCPU()
	n := warm
	for b.Loop() {
		if err := check(inputs[n%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n -= warm; cpu > 0 && n > 0 {
		b.ReportMetric(float64(ProcessCPU()-cpu)/float64(n), "cpu-ns/op")
	}
}

// OnFreshGoroutine returns check run on a new goroutine per call, as go test
// -fuzz runs each execution (testing's tRunner): a benchmark of a target's body
// through it counts the stack growth that internal/warmstack saves.
func OnFreshGoroutine(check func([]byte) error) func([]byte) error {
	return func(data []byte) error {
		done := make(chan error)
		go func() { done <- check(data) }()
		return <-done
	}
}
