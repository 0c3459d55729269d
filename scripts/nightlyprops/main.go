// Command nightlyprops runs iamfuzz's invariant properties with gopter for a long
// time: workers on every core, choice strings that grow in size, and a logged seed
// per policy. It checks the corpus policies that carry their own spec (expected to
// pass) and planted bad policies (expected to fail), so a run proves that the
// engine can still find violations. scripts/nightly drives it.
//
//	go run ./scripts/nightlyprops --checks 100000 --seed 42 --out reports/props.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/engines"
)

type result struct {
	Policy   string  `json:"policy"`
	Expect   string  `json:"expect"` // pass, or fail for a planted policy
	Engine   string  `json:"engine"`
	Seed     int64   `json:"seed"`
	Checks   int     `json:"checks"`
	Workers  int     `json:"workers"`
	Passed   bool    `json:"passed"`
	OK       bool    `json:"ok"` // the outcome is the expected one
	Seconds  float64 `json:"seconds"`
	Failure  string  `json:"failure,omitempty"`
	Request  any     `json:"request,omitempty"`
	Replay   string  `json:"replay,omitempty"`
	Gopter   string  `json:"gopter,omitempty"`
	ErrorMsg string  `json:"error,omitempty"`
}

func main() {
	checks := flag.Int("checks", 100000, "successful probes per policy")
	seed := flag.Int64("seed", time.Now().UnixNano(), "gopter seed (logged in the report)")
	workers := flag.Int("workers", runtime.NumCPU(), "parallel workers")
	out := flag.String("out", "", "write the JSON results here")
	flag.Parse()

	type job struct{ policy, spec, expect string }
	var jobs []job
	specs, _ := filepath.Glob("corpus/specs/*.yaml")
	for _, s := range specs {
		base := filepath.Base(s)
		jobs = append(jobs, job{filepath.Join("corpus/policies", base[:len(base)-len(".yaml")]+".json"), s, "pass"})
	}
	jobs = append(jobs,
		job{"corpus/policies/001-self-manage-no-mfa.json", "", "fail"},
		job{"examples/user-repo/testdata/bypass/self-manage.json", "", "fail"})
	if len(specs) == 0 {
		fmt.Fprintln(os.Stderr, "nightlyprops: run from the repository root (no corpus/specs/*.yaml here)")
		os.Exit(2)
	}

	var results []result
	bad := 0
	for i, j := range jobs {
		r := result{Policy: j.policy, Expect: j.expect, Engine: "gopter", Seed: *seed + int64(i), Checks: *checks, Workers: *workers}
		t, err := properties.LoadTargetSpec(j.policy, j.spec)
		if err != nil {
			r.ErrorMsg = err.Error()
			results = append(results, r)
			bad++
			fmt.Fprintf(os.Stderr, "ERROR %s: %v\n", j.policy, err)
			continue
		}
		start := time.Now()
		fmt.Fprintf(os.Stderr, "  %s: gopter, %d checks, %d workers, seed %d ...", j.policy, *checks, *workers, r.Seed)
		v, res := engines.RunGopter(t, engines.GopterOptions{Seed: r.Seed, Checks: *checks, Workers: *workers})
		r.Seconds = time.Since(start).Seconds()
		r.Passed = v == nil
		if res != nil {
			r.Gopter = fmt.Sprintf("%v after %d tests", res.Status, res.Succeeded)
		}
		if v != nil {
			r.Failure = t.Describe(v)
			r.Request = properties.RequestJSON(v)
			r.Replay = t.ReplayCommand(v)
		}
		r.OK = r.Passed == (j.expect == "pass")
		if !r.OK {
			bad++
		}
		verdict := map[bool]string{true: "ok", false: "UNEXPECTED"}[r.OK]
		fmt.Fprintf(os.Stderr, " %s (passed=%v, %.1fs)\n", verdict, r.Passed, r.Seconds)
		results = append(results, r)
	}
	if *out != "" {
		data, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "nightlyprops:", err)
			os.Exit(2)
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}
