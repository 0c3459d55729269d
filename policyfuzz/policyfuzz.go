// Package policyfuzz runs iamfuzz's invariants (MFA gate, owner only, liveness)
// on a repository's IAM policies under go test -fuzz. It is iamfuzz.Fuzz without
// the rest of package iamfuzz: iamfuzz.Check runs rapid, and rapid's
// initialization links html/template, image/png and encoding/json into every test
// binary that imports package iamfuzz. go test -fuzz scans every coverage counter
// of its binary after each execution, so a fuzz target in a test package of its
// own that imports only this package runs about 1.7 times as many executions per
// CPU-second (docs/performance.md, "Fuzz targets"):
//
//	// policies/fuzz/fuzz_test.go
//	func FuzzPolicies(f *testing.F) { policyfuzz.Fuzz(f, "..") }
package policyfuzz

import (
	"fmt"
	"testing"

	"github.com/iamfuzz/iamfuzz/internal/warmstack"
	"github.com/iamfuzz/iamfuzz/properties"
)

// Fuzz runs the invariant properties under go test -fuzz on every identity policy
// under paths (policy files, CloudFormation templates, Terraform plans, or folders
// searched for them; see package source), each with the spec found beside it: the
// fuzz input picks a policy (its first byte) and supplies the choices of one probe
// (the rest). A failure prints the minimized counterexample with its explanation
// and the command that replays it.
//
//	go test -run '^$' -fuzz '^FuzzPolicies$' -fuzztime 60s -fuzzminimizetime 500x .
func Fuzz(f *testing.F, paths ...string) {
	f.Helper()
	targets, err := properties.LoadTargets(paths, "")
	if err != nil {
		f.Fatalf("iamfuzz: %v", err)
	}
	if len(targets) == 0 {
		f.Fatalf("iamfuzz: no identity policies (policy files, templates, plans) under %q", paths)
	}
	for i := range targets {
		f.Add([]byte{byte(i)})
		f.Add([]byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8})
	}
	// The property runs on a goroutine whose stack has grown once, not on the
	// fresh goroutine go test -fuzz gives each execution (internal/warmstack).
	check := warmstack.New(func(data []byte) error {
		tg := targets[int(data[0])%len(targets)]
		if v := tg.FuzzBytes(data[1:]); v != nil {
			return fmt.Errorf("%s\n%s", tg.Path, tg.Describe(v))
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		if err := check(data); err != nil {
			t.Fatal(err)
		}
	})
}
