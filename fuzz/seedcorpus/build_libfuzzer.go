//go:build gofuzz_libfuzzer

package seedcorpus

// LibFuzzerBuild: go-118-fuzz-build builds with the tag gofuzz_libfuzzer. Its
// F.Add does nothing (libFuzzer reads the seeds from a seed corpus directory,
// written by scripts/fuzzseeds), so the targets do not compute their seeds there.
const LibFuzzerBuild = true
