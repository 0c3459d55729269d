package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// BenchmarkLineDecoderInputs: the target's property (newCheck) on its seeds,
// without the fuzzing engine, to tell the target's own cost from the engine's.
//
//	go test ./fuzz/linedecode -run '^$' -bench Inputs -benchmem
func BenchmarkLineDecoderInputs(b *testing.B) {
	seeds, err := Seeds()
	if err != nil {
		b.Fatal(err)
	}
	seedcorpus.BenchInputs(b, newCheck(), seeds, 50)
}
