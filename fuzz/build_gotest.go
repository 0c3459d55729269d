//go:build !gofuzz_libfuzzer

package fuzz

// libFuzzerBuild is false under go test: see build_libfuzzer.go.
const libFuzzerBuild = false
