package properties_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// BenchmarkProveSeed: the proof engine on AWS's example (one op: one proof).
func BenchmarkProveSeed(b *testing.B) {
	tg, err := properties.LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if rep := tg.Prove(context.Background(), properties.Options{}); rep.Verdict != properties.VerdictProved {
			b.Fatal(rep.Verdict)
		}
	}
}

// BenchmarkProveManaged: the proof engine over the 1,594 AWS managed policies,
// each with the default spec iamfuzz check would choose (one op: the corpus),
// on GOMAXPROCS workers, one policy each at a time (policies share nothing).
// With IAMFUZZ_MANAGED_VERBOSE it prints one line per policy: name, verdict,
// wall seconds, classes, the first unknown reason, and the CPU seconds of the
// worker's thread.
// It reports the verdicts as metrics; scripts/managed-check runs it over the
// whole corpus (docs/performance.md).
func BenchmarkProveManaged(b *testing.B) {
	pols, err := managed.Load()
	if err != nil {
		b.Fatal(err)
	}
	if n, err := strconv.Atoi(os.Getenv("IAMFUZZ_MANAGED_N")); err == nil && n > 0 && n < len(pols) {
		pols = pols[:n] // a prefix, for profiling
	}
	if k, err := strconv.Atoi(os.Getenv("IAMFUZZ_MANAGED_FROM")); err == nil && k > 0 {
		pols = pols[min(k, len(pols)):] // without the first k, to split a run
	}
	if m := os.Getenv("IAMFUZZ_MANAGED_MATCH"); m != "" {
		re, err := regexp.Compile(m)
		if err != nil {
			b.Fatal(err)
		}
		var keep []managed.Policy
		for _, p := range pols {
			if re.MatchString(p.Name) {
				keep = append(keep, p)
			}
		}
		pols = keep // the named policies (the slow tail), for profiling
	}
	var targets []*properties.Target
	for _, p := range pols {
		pol, err := model.Parse([]byte(p.Document), model.IdentityPolicy)
		if err != nil {
			continue
		}
		spec, _ := properties.ChooseDefault(pol)
		targets = append(targets, properties.NewTarget(p.Name, pol, spec))
	}
	verbose := os.Getenv("IAMFUZZ_MANAGED_VERBOSE") != ""
	for b.Loop() {
		cpu0, _ := processCPU()
		verdicts := make([]string, len(targets))
		next := make(chan int)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// One OS thread per worker, so that its CPU time is the
				// policy's (but for what Prove runs on other goroutines).
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for i := range next {
					start := time.Now()
					cpu0, _ := threadCPU()
					rep := targets[i].Prove(context.Background(), properties.Options{NoMinimize: true, StopAtFirst: true})
					verdicts[i] = rep.Verdict
					if verbose {
						why := ""
						if rep.Verdict == properties.VerdictUnknown && len(rep.Coverage.Unknown) > 0 {
							why = rep.Coverage.Unknown[0]
						}
						cpu1, _ := threadCPU()
						fmt.Fprintf(os.Stderr, "%s\t%s\t%.2fs\t%d classes\t%s\t%.2fs cpu\n", targets[i].Path, rep.Verdict, time.Since(start).Seconds(), rep.Coverage.Classes, why, (cpu1 - cpu0).Seconds())
					}
				}
			}()
		}
		for i := range targets {
			next <- i
		}
		close(next)
		wg.Wait()
		n := map[string]int{}
		for _, v := range verdicts {
			n[v]++
		}
		b.ReportMetric(float64(len(targets)), "policies")
		b.ReportMetric(float64(n[properties.VerdictProved]), "proved")
		b.ReportMetric(float64(n[properties.VerdictFail]), "fail")
		b.ReportMetric(float64(n[properties.VerdictUnknown]), "unknown")
		if cpu1, ok := processCPU(); ok {
			b.ReportMetric((cpu1 - cpu0).Seconds(), "cpu-s")
		}
	}
}

// BenchmarkFirstCounterexample: the time to the first error-severity violation
// of each failing seed and failing example of corpus/examples/proof, under the
// proof engine and under random sampling (20,000 requests, seeds 1..b.N), both
// stopping at the first error. The metric first-ms is the mean time from the
// start of the run to that error, over the runs that found one (found: their
// number); when sampling fails only on the requests liveness names, before its
// random probes, the run's whole time stands for it. docs/performance.md
// compares the two engines.
func BenchmarkFirstCounterexample(b *testing.B) {
	files := []string{"../corpus/policies/001-self-manage-no-mfa.json", "../corpus/policies/003-blog-self-manage-mfa.json"}
	for _, f := range []string{"mfa-deny-exempts-svc-users", "mfa-deny-exempts-network", "username-default-admin", "username-as-path", "principal-tag-names-user"} {
		files = append(files, "../corpus/examples/proof/"+f+".json")
	}
	for _, f := range files {
		tg, err := properties.LoadTarget(f)
		if err != nil {
			b.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, engine := range []string{properties.EngineProof, properties.EngineSample} {
			b.Run(name+"/"+engine, func(b *testing.B) {
				var total time.Duration
				seed, found := uint64(0), 0
				for range b.N {
					seed++
					o := properties.Options{StopAtFirst: true, NoMinimize: true, Checks: 20000, Seed: seed}
					var rep *properties.Report
					if engine == properties.EngineProof {
						rep = tg.Prove(context.Background(), o)
					} else {
						rep = tg.Run(context.Background(), o)
					}
					switch {
					case rep.FirstError != 0:
						found++
						total += rep.FirstErrorAfter
					case rep.Failed():
						found++
						total += rep.Elapsed
					}
				}
				if engine == properties.EngineProof && found != b.N {
					b.Fatalf("the proof engine found no error in %d of %d runs", b.N-found, b.N)
				}
				b.ReportMetric(float64(found), "found")
				if found > 0 {
					b.ReportMetric(float64(total.Microseconds())/1000/float64(found), "first-ms")
				}
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}
