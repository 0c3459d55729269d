package properties

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// workerTargets are the corpus's seed policies, the proof and general examples
// (proved, failed and unknown verdicts, set proofs), and n random variants of
// AWS's example as the brute-force property draws them (brute_test.go).
func workerTargets(t *testing.T, n int) []*Target {
	t.Helper()
	targets, err := LoadTargets([]string{"../corpus/policies", "../corpus/examples/proof", "../corpus/examples/general"}, "")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile("../corpus/examples/heldout/aws-current.json")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(15))
	for i := 0; i < n; i++ {
		text := bruteVariant(t, base, false, rng)
		mp, err := model.Parse(text, model.IdentityPolicy)
		if err != nil {
			continue
		}
		spec, _ := ChooseDefault(mp)
		targets = append(targets, NewTarget(fmt.Sprintf("variant-%d", i), mp, spec))
	}
	return targets
}

// workersDisagree proves every target with one worker and with several, with
// every finding collected and minimized, stopping at the first error (with and
// without the early requests), and lists each report that is not the same:
// verdict, counts, coverage, the findings with their requests, explanations
// and grouped actions, and the progress calls.
func workersDisagree(t *testing.T, targets []*Target) (diffs []string, compared int) {
	t.Helper()
	modes := []Options{{}, {StopAtFirst: true, EnumerateOnly: true, NoMinimize: true}, {StopAtFirst: true, Seed: 3}}
	for _, tg := range targets {
		for _, o := range modes {
			var want string
			for _, workers := range []int{1, 2, 3} {
				o := o
				o.Workers = workers
				var progress []int
				o.Progress = func(n int) { progress = append(progress, n) }
				rep := tg.Prove(context.Background(), o)
				got := reportDigest(tg, rep) + fmt.Sprintf("progress %v\n", progress)
				if workers == 1 {
					want = got
					continue
				}
				compared++
				if got != want {
					diffs = append(diffs, fmt.Sprintf("%s, StopAtFirst %v EnumerateOnly %v, %d workers:\n%s\none worker:\n%s", tg.Path, o.StopAtFirst, o.EnumerateOnly, workers, got, want))
				}
			}
		}
	}
	return diffs, compared
}

// reportDigest is what a report says, timings aside.
func reportDigest(tg *Target, rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d checks, %d judged, first error %d, seed %d\n", rep.Engine, rep.Verdict, rep.Checks, rep.Judged, rep.FirstError, rep.Seed)
	if c := rep.Coverage; c != nil {
		fmt.Fprintf(&b, "coverage: %d principals, %d actions, %d groups, %d resources, %d contexts, %d classes, keys %v, stopped %v\n",
			c.Principals, c.Actions, c.Groups, c.Resources, c.Contexts, c.Classes, c.Keys, c.Stopped)
		for _, u := range c.Unknown {
			fmt.Fprintf(&b, "unknown: %s\n", u)
		}
	}
	for _, v := range rep.Findings {
		fmt.Fprintf(&b, "%s matched %v\n%s", v.Key(), v.Matched, tg.Describe(v))
	}
	return b.String()
}
