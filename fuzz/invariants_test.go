package fuzz

import "testing"

// FuzzInvariants: see checkInvariants (the property) and invariantSeeds.
func FuzzInvariants(f *testing.F) {
	for _, s := range mustSeeds(f, invariantSeeds) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkInvariants(data); err != nil {
			t.Fatal(err)
		}
	})
}
