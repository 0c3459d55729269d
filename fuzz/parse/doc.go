// Package parse holds the parse fuzz target: the parser never panics, its errors
// are typed, and parse∘marshal∘parse is the identity (checkParse). It is apart
// from package fuzz so that its test binary links only model and the corpus:
// go test -fuzz scans every coverage counter of the binary after each execution,
// and package fuzz's binary, which links the properties and the generators, has
// about three times as many (docs/performance.md, "Fuzz targets"). It builds the
// two ways package fuzz's targets do (see there; go test -list '^Fuzz' ./fuzz/parse
// names the target, which this comment does not: see TestOneFilePerTarget):
//
//	go test ./fuzz/parse -run '^$' -fuzz '^TARGET$' -fuzztime 60s
package parse
