package properties_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// BenchmarkProveClasses measures the proof engine's cost per class on each seed
// policy with its spec: one op is one proof, classes/op the classes it visited
// and decided (Coverage.Classes), classes/s the engine's throughput
// (docs/performance.md, issue 15).
func BenchmarkProveClasses(b *testing.B) {
	files, err := filepath.Glob("../corpus/policies/*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no seed policies: %v", err)
	}
	for _, f := range files {
		tg, err := properties.LoadTarget(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(f), func(b *testing.B) {
			classes := 0
			for b.Loop() {
				rep := tg.Prove(context.Background(), properties.Options{NoMinimize: true})
				if rep.Coverage == nil {
					b.Fatalf("no coverage: %s", rep.Verdict)
				}
				classes += rep.Coverage.Classes
			}
			b.ReportMetric(float64(classes)/float64(b.N), "classes/op")
			b.ReportMetric(float64(classes)/b.Elapsed().Seconds(), "classes/s")
		})
	}
}
