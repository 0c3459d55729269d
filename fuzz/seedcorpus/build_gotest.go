//go:build !gofuzz_libfuzzer

package seedcorpus

// LibFuzzerBuild is false under go test: see build_libfuzzer.go.
const LibFuzzerBuild = false
