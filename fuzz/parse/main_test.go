package parse

import (
	"flag"
	"os"
	"testing"
)

// defaultMinimize is the minimization budget of go test -fuzz for these targets
// when the command line gives none. Go minimizes every new corpus entry for up to
// 60 s by default and reports no executions meanwhile; minimizing an input of n
// bytes costs about n² executions, so even the targets' small inputs (≤128 and
// ≤384 bytes) could pause a run for seconds on a loaded machine. 500 executions
// cut the ignored tail and most removable bytes; a failure prints its case in
// full anyway. -fuzzminimizetime on the command line wins.
const defaultMinimize = "500x"

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.fuzzminimizetime" })
	if !given {
		if err := flag.Set("test.fuzzminimizetime", defaultMinimize); err != nil {
			panic(err) // the testing package renamed its flag: TestMinimizeDefault says so too
		}
	}
	os.Exit(m.Run())
}

// TestMinimizeDefault: the default budget is in place unless given.
func TestMinimizeDefault(t *testing.T) {
	f := flag.Lookup("test.fuzzminimizetime")
	if f == nil {
		t.Fatal("no -test.fuzzminimizetime flag")
	}
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || (g.Name == f.Name && g.Value.String() != defaultMinimize) })
	if !given && f.Value.String() != defaultMinimize {
		t.Errorf("-test.fuzzminimizetime is %s, want %s", f.Value, defaultMinimize)
	}
}
