// Package linedecode holds the line decoder fuzz target: eval's fast line
// decoder (model.LineDecoder) agrees with the reference decoder
// (model.ParseCaseShared) on every line it accepts (checkLine). It is apart from
// package fuzz so that its test binary links only model and the corpus: go test
// -fuzz scans every coverage counter of the test binary after each execution
// (docs/performance.md, "Fuzz targets"). It builds the two ways package fuzz's
// targets do (see there; go test -list '^Fuzz' ./fuzz/linedecode names the
// target, which this comment does not: see TestOneFilePerTarget):
//
//	go test ./fuzz/linedecode -run '^$' -fuzz '^TARGET$' -fuzztime 60s
package linedecode
