package fuzz

import "testing"

// FuzzParse: see checkParse (the property) and parseSeeds.
func FuzzParse(f *testing.F) {
	for _, s := range mustSeeds(f, parseSeeds) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkParse(data); err != nil {
			t.Fatal(err)
		}
	})
}
