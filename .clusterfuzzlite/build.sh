#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of iamfuzz's fuzz targets (docs/fuzzing.md):
# every Fuzz* target of ./fuzz/... becomes a libFuzzer binary $OUT/<Target> with the
# seed corpus $OUT/<Target>_seed_corpus.zip. scripts/fuzz-libfuzzer runs the same
# steps without Docker; keep the two in step.

# The Go toolchain of go.mod (the builder image's Go may be older) and the
# go-118-fuzz-build that scripts/fuzz-libfuzzer pins.
export GOTOOLCHAIN=go1.26.8
GO118FUZZBUILD_VERSION=v0.0.0-20250520111509-a70c2aa677fa
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

cd "$SRC/iamfuzz"
go install "github.com/AdamKorcz/go-118-fuzz-build@$GO118FUZZBUILD_VERSION"
# compile_native_go_fuzzer rewrites the target's file to import this package.
go get "github.com/AdamKorcz/go-118-fuzz-build/testing@$GO118FUZZBUILD_VERSION"

# F.Add does nothing in a libFuzzer build: the seeds go in as seed corpora.
# (Plain Go: the builder's sanitizer CFLAGS must not reach cgo here.)
CGO_ENABLED=0 go run ./scripts/fuzzseeds -out "$WORK/seeds"

# The targets and their packages, from their declarations (no test build with the
# sanitizer flags): ./fuzz, and a package per light target (e.g. ./fuzz/parse).
pairs=$(grep -H -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' fuzz/*_test.go fuzz/*/*_test.go |
  sed -E 's#^([^:]+)/[^/:]+:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#')
[ -n "$pairs" ] || { echo "build.sh: no fuzz targets in ./fuzz/..." >&2; exit 1; }
while read -r dir t; do
  compile_native_go_fuzzer "github.com/iamfuzz/iamfuzz/$dir" "$t" "$t" </dev/null
  [ -n "$(ls -A "$WORK/seeds/$t")" ] || { echo "build.sh: $t has no seeds" >&2; exit 1; }
  (cd "$WORK/seeds/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done <<<"$pairs"
