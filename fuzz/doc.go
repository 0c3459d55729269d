// Package fuzz holds iamfuzz's decide fuzz target: evaluator determinism, the
// trace's agreement and metamorphic relations on generated and corpus cases
// (checkDecide). Every other target lives in a package of its own, so that each
// test binary links only what its target needs and fuzzes faster (fuzz/parse:
// parser robustness and round trip; fuzz/invariants: the corpus policies'
// invariants; docs/fuzzing.md); this one links the model, the case generator
// and the rewrites, not package properties. All of them take their seeds and
// setup from one loader of the embedded corpus, fuzz/seedcorpus. They build two
// ways: as go test -fuzz targets, and as libFuzzer binaries with
// go-118-fuzz-build, the way ClusterFuzzLite and OSS-Fuzz build Go
// (docs/fuzzing.md, scripts/fuzz-libfuzzer).
//
// For the second build each target lives alone in a _test.go file and only calls
// code of this package's non-test files (the properties, the seeds, the setup),
// since go-118-fuzz-build compiles that one file against its own testing package
// and none of the other _test.go files. Setup runs once per process, because a
// libFuzzer binary calls the target function on every input; the seeds come from
// the embedded corpus (package corpus), so nothing depends on the working
// directory; and a target without seeds stops instead of fuzzing nothing.
//
// Inputs are small choice strings (choice.BytesSource) rather than JSON
// documents, so that go test -fuzz minimizes a new input in well under a second
// instead of pausing for up to a minute. Plain go test runs every seed. go test
// -fuzz takes one package and one target; name both (go test -list '^Fuzz' ./fuzz/...
// lists the targets; this comment names none, see TestOneFilePerTarget):
//
//	go test ./fuzz -run '^$' -fuzz '^TARGET$' -fuzztime 60s
package fuzz
