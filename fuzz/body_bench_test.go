package fuzz

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// BenchmarkDecideInputs measures FuzzDecide's body on random choice strings, to
// tell the target's own cost from the fuzzer's (minimization pauses, coverage).
func BenchmarkDecideInputs(b *testing.B) {
	s := properties.NewRandSource(1)
	inputs := make([][]byte, 1000)
	for i := range inputs {
		inputs[i] = make([]byte, 16+s.Intn(64))
		for j := range inputs[i] {
			inputs[i][j] = byte(s.Intn(256))
		}
	}
	body := decideBody(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body(inputs[i%len(inputs)])
	}
}
