package iamfuzz_test

import (
	"flag"
	"os"
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// TestMain gives go test -fuzz=FuzzAWSPolicy the fuzz targets' minimization
// budget (seedcorpus.DefaultMinimize) unless the command line gives one: with
// Go's default of 60 s per new input, a plain 20 s run on 2 idle cores paused at
// 0 execs/s for 11 s (2026-12-06 20:21 UTC), as ./fuzz's targets did before.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := seedcorpus.SetMinimizeDefault(); err != nil {
		panic(err) // the testing package renamed its flag: TestMinimizeDefault says so too
	}
	os.Exit(m.Run())
}

// TestMinimizeDefault: the default budget is in place unless given.
func TestMinimizeDefault(t *testing.T) {
	if !seedcorpus.MinimizeDefaultInPlace() {
		t.Fatalf("-test.fuzzminimizetime is not %s", seedcorpus.DefaultMinimize)
	}
}
