package parse

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// FuzzParse: see checkParse (the property) and Seeds.
func FuzzParse(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkParse(data); err != nil {
			t.Fatal(err)
		}
	})
}
