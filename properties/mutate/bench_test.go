package mutate_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/mutate"
)

// BenchmarkMutationScore measures, over the semantic mutants of AWS's example
// that break an invariant (by the ground truth of the bounded exhaustive sweep),
// the mutation score and the time to the first counterexample.
//
//	go test ./properties/mutate -run '^$' -bench MutationScore -benchtime 5x
//
// "random" is the search alone: random probes only, no probes named by liveness
// rules, each iteration with another seed, stopping at the first violation of
// severity error. "check" is what iamfuzz check does (those probes first, then
// random ones). Reported per iteration: score-% (mutants caught within the
// default budget), median-ms and p90-ms to the first counterexample, and for
// "random" median-probes (random probes drawn until then).
func BenchmarkMutationScore(b *testing.B) {
	base := load(b, awsExample)
	ms, err := mutate.Semantic(base.Policy)
	if err != nil {
		b.Fatal(err)
	}
	var breaking []*properties.Target
	for _, m := range ms {
		tg := mutantTarget(base, m)
		if len(groundTruth(tg)) > 0 {
			breaking = append(breaking, tg)
		}
	}
	for _, mode := range []struct {
		name     string
		directed bool
	}{{"random", false}, {"check", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var times []time.Duration
			var probes []int
			caught, total := 0, 0
			for i := 0; b.Loop(); i++ {
				for _, tg := range breaking {
					start := time.Now()
					rep := tg.Run(context.Background(), properties.Options{Seed: uint64(i) + 1, NoDirected: !mode.directed, StopAtFirst: true, NoMinimize: true})
					total++
					if rep.Failed() {
						caught++
						times = append(times, time.Since(start))
						probes = append(probes, rep.FirstError)
					}
				}
			}
			slices.Sort(times)
			slices.Sort(probes)
			b.ReportMetric(float64(len(breaking)), "mutants")
			b.ReportMetric(100*float64(caught)/float64(total), "score-%")
			if len(times) > 0 {
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
				b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "p90-ms")
				if !mode.directed {
					b.ReportMetric(float64(probes[len(probes)/2]), "median-probes")
				}
			}
		})
	}
}
