package invariants

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// FuzzInvariants: see checkInvariants (the property) and Seeds.
func FuzzInvariants(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkInvariantsWarm(data); err != nil {
			t.Fatal(err)
		}
	})
}
