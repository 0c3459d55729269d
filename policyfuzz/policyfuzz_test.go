package policyfuzz_test

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/policyfuzz"
)

// FuzzAWSPolicy is the example of the public API (policyfuzz.Fuzz, and
// iamfuzz.Fuzz, which calls it) on AWS's own MFA policy:
//
//	go test -run '^$' -fuzz '^FuzzAWSPolicy$' -fuzztime 20s ./policyfuzz
func FuzzAWSPolicy(f *testing.F) {
	policyfuzz.Fuzz(f, "../corpus/policies/000-aws-mfa-self-manage.json")
}

// TestMain gives go test -fuzz=FuzzAWSPolicy the fuzz targets' minimization
// budget (seedcorpus.DefaultMinimize) unless the command line gives one: under
// Go's default of 60 s per new input, a plain 20 s run on 2 idle cores paused at
// 0 execs/s for 11 s (2026-12-06, docs/performance.md).
func TestMain(m *testing.M) { seedcorpus.Main(m.Run) }

// TestMinimizeDefault: the default budget is in place unless given.
func TestMinimizeDefault(t *testing.T) { seedcorpus.CheckMinimizeDefault(t) }
