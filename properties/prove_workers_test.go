package properties

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// workerTargets are the corpus's seed policies, the proof and general examples
// (proved, failed and unknown verdicts, set proofs), and n random variants as
// the brute-force property draws them (brute_test.go: AWS's example, the path
// and the role families) from seed 15. IAMFUZZ_WORKERS_N and
// IAMFUZZ_WORKERS_SEED override both; IAMFUZZ_WORKERS_MANAGED=k adds every
// k-th AWS managed policy under its default spec (scripts/nightly).
func workerTargets(t *testing.T, n int) []*Target {
	t.Helper()
	n, seed := runSize(t, "IAMFUZZ_WORKERS", n, 0, 15)
	targets, err := LoadTargets([]string{"../corpus/policies", "../corpus/examples/proof", "../corpus/examples/general"}, "")
	if err != nil {
		t.Fatal(err)
	}
	bb := loadBruteBases(t)
	rng := rand.New(rand.NewSource(seed))
	for i := range n {
		if _, mp, spec := bb.variant(t, i, rng); mp != nil {
			targets = append(targets, NewTarget(fmt.Sprintf("variant-%d", i), mp, spec))
		}
	}
	if s := os.Getenv("IAMFUZZ_WORKERS_MANAGED"); s != "" {
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 {
			t.Fatalf("IAMFUZZ_WORKERS_MANAGED=%q: want a positive number", s)
		}
		pols, err := managed.Load()
		if err != nil {
			t.Fatal(err)
		}
		for i := k / 2; i < len(pols); i += k {
			if mp, err := model.Parse([]byte(pols[i].Document), model.IdentityPolicy); err == nil {
				spec, _ := ChooseDefault(mp)
				targets = append(targets, NewTarget(pols[i].Name, mp, spec))
			}
		}
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

// A proof with Options.Workers 0 starts a helper only while fewer goroutines
// than GOMAXPROCS check classes in the process: with another proof running on
// 2 cores it has none (check --parallel 2), alone it has one; explicit Workers
// are not limited.
func TestHelpersShareTheCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	none := func(*partition.Class, *classOutcome) bool { return true }
	busyCheckers.Add(1) // another proof
	cc := tg.newClassChecker(Options{}, none)
	if cc.startHelper() {
		t.Error("a helper started beside another proof on 2 cores")
	}
	forced := tg.newClassChecker(Options{Workers: 3}, none)
	started := 0
	for range 3 {
		if forced.startHelper() {
			started++
		}
	}
	if started != 2 {
		t.Errorf("Workers 3 started %d helpers, want 2, spare cores or not", started)
	}
	forced.finish(nil)
	busyCheckers.Add(-1) // the other proof ends
	if !cc.startHelper() {
		t.Error("no helper started for a proof alone on 2 cores")
	}
	if cc.startHelper() {
		t.Error("a second helper started on 2 cores")
	}
	cc.finish(nil)
	if n := busyCheckers.Load(); n != 0 {
		t.Errorf("%d goroutines still counted as busy after the proofs", n)
	}
}

// A proof whose context ends says unknown (or fail), never proved, on any
// number of workers: the classes it did not visit are not covered.
func TestWorkersStoppedProofIsNotProved(t *testing.T) {
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		rep := tg.Prove(ctx, Options{Workers: workers, NoMinimize: true, Progress: func(k int) {
			if n += k; n >= 1024 {
				cancel() // mid-enumeration
			}
		}})
		cancel()
		if rep.Verdict == VerdictProved || !rep.Coverage.Stopped || rep.Coverage.Classes < 1024 {
			t.Errorf("%d workers, context ended after 1024 classes: %s, stopped %v, %d classes", workers, rep.Verdict, rep.Coverage.Stopped, rep.Coverage.Classes)
		}
	}
	if rep := tg.Prove(context.Background(), Options{Workers: 2, NoMinimize: true}); rep.Verdict != VerdictProved {
		t.Fatalf("000 is proved when the context does not end: %s", rep.Verdict)
	}
}
