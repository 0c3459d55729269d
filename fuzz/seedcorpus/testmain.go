package seedcorpus

import (
	"flag"
	"os"
)

// DefaultMinimize is the minimization budget of go test -fuzz for the targets
// when the command line gives none. Go minimizes every new corpus entry for up to
// 60 s by default and reports no executions meanwhile; minimizing an input of n
// bytes costs about n² executions, so even the targets' small inputs (≤128 and
// ≤384 bytes) could pause a run for seconds on a loaded machine. 500 executions
// cut the ignored tail and most removable bytes; a failure prints its case in
// full anyway. -fuzzminimizetime on the command line wins.
const DefaultMinimize = "500x"

// minimizeFlag is the testing package's flag for that budget.
const minimizeFlag = "test.fuzzminimizetime"

// SetMinimizeDefault sets DefaultMinimize unless the command line gave a
// budget. Each target package's TestMain calls it after flag.Parse; an error
// means the testing package renamed its flag.
func SetMinimizeDefault() error {
	if minimizeGiven() {
		return nil
	}
	return flag.Set(minimizeFlag, DefaultMinimize)
}

// MinimizeDefaultInPlace reports whether the budget is DefaultMinimize or one
// the command line gave: each target package's TestMinimizeDefault checks that
// its TestMain called SetMinimizeDefault.
func MinimizeDefaultInPlace() bool {
	f := flag.Lookup(minimizeFlag)
	return f != nil && (minimizeGiven() || f.Value.String() == DefaultMinimize)
}

func minimizeGiven() bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == minimizeFlag })
	return given
}

// Main is a target package's TestMain: it gives go test -fuzz DefaultMinimize
// unless the command line gives a budget, then runs the tests (run is the
// package's m.Run; a function, so that this package does not import testing:
// see Fataler).
func Main(run func() int) {
	flag.Parse()
	if err := SetMinimizeDefault(); err != nil {
		panic(err) // the testing package renamed its flag: CheckMinimizeDefault says so too
	}
	os.Exit(run())
}

// CheckMinimizeDefault fails t unless the budget is DefaultMinimize or one the
// command line gave: each target package's TestMinimizeDefault calls it, to
// show that its TestMain called Main or SetMinimizeDefault.
func CheckMinimizeDefault(t Fataler) {
	t.Helper()
	if !MinimizeDefaultInPlace() {
		t.Fatalf("-test.fuzzminimizetime is not %s", DefaultMinimize)
	}
}
