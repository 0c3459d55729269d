package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// BenchmarkLineDecoderInputs: the target's property on its seeds, without the
// fuzzing engine, to tell the target's own cost from the engine's.
//
//	go test ./fuzz/linedecode -run '^$' -bench Inputs -benchmem
func BenchmarkLineDecoderInputs(b *testing.B) {
	seeds, err := Seeds()
	if err != nil {
		b.Fatal(err)
	}
	var d model.LineDecoder
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := checkLine(&d, seeds[i%len(seeds)]); err != nil {
			b.Fatal(err)
		}
	}
}
