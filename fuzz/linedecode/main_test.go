package linedecode

import (
	"flag"
	"os"
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// TestMain gives go test -fuzz the targets' minimization budget
// (seedcorpus.DefaultMinimize) unless the command line gives one.
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
