package parse

import "testing"

// BenchmarkParseInputs: the parse target's property on its seeds, without the
// fuzzing engine, to tell the target's own cost from the engine's.
//
//	go test ./fuzz/parse -run '^$' -bench Inputs -benchmem
func BenchmarkParseInputs(b *testing.B) {
	seeds, err := Seeds()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := checkParse(seeds[i%len(seeds)]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSeedsAreSmall: the target has seeds, none longer than it reads
// (minimizing a new input costs about n² executions of the target).
func TestSeedsAreSmall(t *testing.T) {
	seeds, err := Seeds()
	if err != nil || len(seeds) == 0 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	for _, s := range seeds {
		if len(s) > MaxInput {
			t.Errorf("a seed of %d bytes, over %d: %q", len(s), MaxInput, s)
		}
	}
}
