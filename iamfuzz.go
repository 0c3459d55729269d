// Package iamfuzz is the public face of iamfuzz for users' own repositories: it
// runs iamfuzz's invariants (MFA gate, owner only, liveness) on a repository's IAM
// policies under go test and go test -fuzz, with the specs found beside the
// policies (policy.json → policy.spec.yaml; a policy without one gets the default
// spec for self-managed credentials).
//
//	func TestPolicies(t *testing.T) { iamfuzz.Check(t, "policies/") }
//	func FuzzPolicies(f *testing.F) { iamfuzz.Fuzz(f, "policies/") }
//
// A failure prints the minimized counterexample with its explanation and the
// command that replays it. Everything else (the evaluator, the oracles, the
// generators) lives in the packages model, oracle and properties, and on the
// command line (cmd/iamfuzz).
package iamfuzz

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/iamfuzz/iamfuzz/policyfuzz"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/engines"
	"pgregory.net/rapid"
)

// Environment variables that tune Check without editing tests.
const (
	// EnvChecks sets the number of random probes per policy (default
	// properties.DefaultChecks).
	EnvChecks = "IAMFUZZ_CHECKS"
	// EnvSeed sets the seed of the probes (default 1, so CI runs are repeatable;
	// rapid's own random search runs after it with rapid's seed).
	EnvSeed = "IAMFUZZ_SEED"
)

// Verify checks every identity policy under paths (policy files, CloudFormation
// templates, Terraform plans, or folders searched for them; see package source)
// with the proof engine and returns one report per policy, each with its verdict
// (properties.VerdictProved, VerdictFail or VerdictUnknown) and coverage. It is
// Check without a testing.T, for tools. opts.Time and ctx bound each run.
func Verify(ctx context.Context, opts properties.Options, paths ...string) ([]*properties.Report, error) {
	targets, err := properties.LoadTargets(paths, "")
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("iamfuzz: no identity policies (policy files, templates, plans) under %q", paths)
	}
	out := make([]*properties.Report, len(targets))
	for i, t := range targets {
		out[i] = t.Check(ctx, opts)
	}
	return out, nil
}

// Check runs the invariant properties on every policy under paths, as one subtest
// per policy. It first runs the proof engine (one request of every class of
// requests, every finding minimized): a policy it proves is done. A policy it
// cannot prove (verdict unknown: it says what it did not cover) gets iamfuzz's
// seeded random probes and rapid's random search with shrinking. Warnings and
// notes are logged; errors fail.
func Check(t *testing.T, paths ...string) {
	t.Helper()
	targets, err := properties.LoadTargets(paths, "")
	if err != nil {
		t.Fatalf("iamfuzz: %v", err)
	}
	if len(targets) == 0 {
		t.Fatalf("iamfuzz: no identity policies (policy files, templates, plans) under %q", paths)
	}
	opts := properties.Options{Checks: envInt(t, EnvChecks, 0), Seed: uint64(envInt(t, EnvSeed, 1))}
	for _, tg := range targets {
		t.Run(filepath.ToSlash(tg.Path), func(t *testing.T) {
			rep := tg.Prove(t.Context(), opts)
			if rep.Verdict == properties.VerdictUnknown {
				for _, u := range rep.Coverage.Unknown {
					t.Logf("%s: not proved: %s", tg.Path, u)
				}
				rep = tg.Run(t.Context(), opts)
			}
			for _, w := range tg.Warnings() {
				t.Logf("policy warning: %s", w)
			}
			failed := false
			for _, v := range rep.Findings {
				// Describe starts with the severity.
				if v.Severity == properties.SeverityError {
					failed = true
					t.Errorf("%s", tg.Describe(v))
				} else {
					t.Logf("%s", tg.Describe(v))
				}
			}
			if failed {
				if rep.Engine == properties.EngineProof {
					// The proof engine draws nothing at random: a seed would not matter.
					t.Logf("%s: %d requests decided by the proof engine (deterministic)", tg.Path, rep.Checks)
				} else {
					t.Logf("%s: %d probes, seed %d (rerun with %s=%d)", tg.Path, rep.Checks, rep.Seed, EnvSeed, rep.Seed)
				}
				return
			}
			if rep.Verdict == properties.VerdictProved {
				if rep.Scope != "" {
					t.Logf("%s: proved over %d classes of requests (%d out of scope: %s)", tg.Path, rep.Coverage.Classes-rep.OutOfScope, rep.OutOfScope, rep.Scope)
				} else {
					t.Logf("%s: proved over %d classes of requests", tg.Path, rep.Coverage.Classes)
				}
				return
			}
			rapid.Check(t, engines.RapidProperty(tg))
		})
	}
}

// Fuzz runs the same properties under go test -fuzz: the fuzz input picks a
// policy (its first byte) and supplies the choices of one probe (the rest). It is
// policyfuzz.Fuzz, which a fuzz target in a test package of its own should call
// instead: a test binary that imports this package links rapid (Check), whose
// initialization brings html/template and image/png, and go test -fuzz scans all
// of their coverage counters after every execution.
//
//	go test -run '^$' -fuzz '^FuzzPolicies$' -fuzztime 60s .
func Fuzz(f *testing.F, paths ...string) {
	f.Helper()
	policyfuzz.Fuzz(f, paths...)
}

func envInt(t testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("iamfuzz: %s=%q is not a non-negative number", name, s)
	}
	return n
}
