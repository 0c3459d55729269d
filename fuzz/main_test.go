package fuzz

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// elsewhere names the fuzz targets that live in a package of their own, each
// linking only what it needs (docs/fuzzing.md), without their Fuzz prefix: a
// target's full name may occur in one file only (TestOneFilePerTarget, which
// also keeps this table complete). here is this package's target.
var elsewhere = map[string]string{
	"Parse":       "./fuzz/parse",
	"Invariants":  "./fuzz/invariants",
	"LineDecoder": "./fuzz/linedecode",
}

const here = "Decide"

// TestMain gives go test -fuzz the targets' minimization budget
// (seedcorpus.DefaultMinimize) unless the command line gives one. And since go
// test -fuzz=FuzzX ./fuzz with no FuzzX here passes without fuzzing anything,
// it stops such a run and names the package the target is in.
func TestMain(m *testing.M) {
	seedcorpus.Main(func() int {
		if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
			if msg := notHere(f.Value.String()); msg != "" {
				fmt.Fprintln(os.Stderr, msg)
				return 2
			}
		}
		return m.Run()
	})
}

// notHere says where the targets a -fuzz pattern names are when it names none
// of this package's ("" otherwise). It reads the patterns people type, a name
// with or without ^ and $ (FuzzX, ^FuzzX$), and gives "" for any other
// regexp: package regexp in this package's test would add about 2,000 coverage
// counters, a tenth of the binary's, which go test -fuzz scans after every
// execution (docs/performance.md, "Fuzz targets").
func notHere(pattern string) string {
	matches, ok := literalPattern(pattern)
	if !ok || matches("Fuzz"+here) {
		return ""
	}
	for short, pkg := range elsewhere {
		if name := "Fuzz" + short; matches(name) {
			return fmt.Sprintf("fuzz: %s is in package %s, not ./fuzz: go test -fuzz=%s %s", name, pkg, name, pkg)
		}
	}
	return ""
}

// literalPattern returns how the regexp pattern matches a name when it is a
// name, optionally anchored by ^ and $ (ok false for any other regexp).
func literalPattern(pattern string) (matches func(string) bool, ok bool) {
	lit := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
	begin, end := lit != pattern && strings.HasPrefix(pattern, "^"), strings.HasSuffix(pattern, "$")
	if !isName(lit) {
		return nil, false
	}
	return func(name string) bool {
		switch {
		case begin && end:
			return name == lit
		case begin:
			return strings.HasPrefix(name, lit)
		case end:
			return strings.HasSuffix(name, lit)
		}
		return strings.Contains(name, lit)
	}, true
}

// isName reports whether s is made of letters, digits and underscores only.
func isName(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' })
}

// TestMinimizeDefault: the default budget is in place unless given.
func TestMinimizeDefault(t *testing.T) { seedcorpus.CheckMinimizeDefault(t) }

// TestNotHere: a -fuzz pattern that names only another package's target gets
// that package; this package's target, or nothing known, gets no message.
func TestNotHere(t *testing.T) {
	for pattern, want := range map[string]bool{
		"Fuzz" + "Invariants": true, "^Fuzz" + "Parse$": true, "^Fuzz" + "Line": true, "Decoder$": true,
		"Fuzz" + here: false, "Fuzz": false, "FuzzNothing": false, "(": false, "^Fuzz" + "Pars$": false, "Fuzz(Parse)": false,
	} {
		if got := notHere(pattern) != ""; got != want {
			t.Errorf("notHere(%q) = %q", pattern, notHere(pattern))
		}
	}
}
