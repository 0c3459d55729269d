// Package invariants holds the invariant fuzz target: the corpus policies that
// have a spec (corpus/specs) hold their invariants on every probe the fuzzer
// draws (checkInvariants). It is apart from package fuzz because it links package
// properties (the invariants, their prober, rapid, gopter, YAML, the partition),
// which the decide target does not need: go test -fuzz scans every coverage
// counter of the test binary after each execution, so each target links only
// what it uses (docs/performance.md, "Fuzz targets"). It builds the two ways
// package fuzz's targets do (see there; go test -list '^Fuzz' ./fuzz/invariants
// names the target, which this comment does not: see TestOneFilePerTarget):
//
//	go test ./fuzz/invariants -run '^$' -fuzz '^TARGET$' -fuzztime 60s
package invariants
