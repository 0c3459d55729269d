package properties_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
)

// BenchmarkProveClasses measures the proof engine's cost per class on each seed
// policy with its spec: one op is one proof, classes/op the classes it visited
// and decided (Coverage.Classes), classes/s the engine's throughput
// (docs/performance.md, issue 15). With -cpu 2 the classes are checked on two
// goroutines (Options.Workers); cpu-ms/op is the process's CPU time a proof
// (the collector's included), own-cpu-ms/op the proof's own goroutine's (the
// enumeration's, and the batches it checks itself), on an OS thread of its
// own: the wall time of a proof cannot be under it, whatever the load.
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
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			classes := 0
			cpu0, _ := processCPU()
			own0, _ := threadCPU()
			for b.Loop() {
				rep := tg.Prove(context.Background(), properties.Options{NoMinimize: true})
				if rep.Coverage == nil {
					b.Fatalf("no coverage: %s", rep.Verdict)
				}
				classes += rep.Coverage.Classes
			}
			b.ReportMetric(float64(classes)/float64(b.N), "classes/op")
			b.ReportMetric(float64(classes)/b.Elapsed().Seconds(), "classes/s")
			if cpu1, ok := processCPU(); ok {
				own1, _ := threadCPU()
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64((own1-own0).Microseconds())/1000/float64(b.N), "own-cpu-ms/op")
			}
		})
	}
}
