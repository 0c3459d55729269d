// Package fuzz holds iamfuzz's native go test -fuzz targets: parser robustness and
// round trip (FuzzParse), evaluator determinism and metamorphic relations
// (FuzzDecide), and the invariant properties on the corpus policies
// (FuzzInvariants). Their seed corpora come from corpus/ through the shared loader,
// and plain go test runs every seed, so CI exercises them without fuzzing.
//
// go test -fuzz takes one package and one target and silently fuzzes nothing when
// the pattern matches no target, so always name both:
//
//	go test ./fuzz/ -run '^$' -fuzz '^FuzzDecide$' -fuzztime 60s
package fuzz
