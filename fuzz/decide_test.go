package fuzz

import "testing"

// FuzzDecide: see checkDecide (the property) and DecideCase (the input layout).
// The target is this thin so that it builds both with go test -fuzz and with
// go-118-fuzz-build, which compiles this one file against its own testing package.
func FuzzDecide(f *testing.F) {
	for _, s := range mustSeeds(f, DecideSeeds) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkDecideWarm(data); err != nil {
			t.Fatal(err)
		}
	})
}
