package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/model"
)

// FuzzLineDecoder: checkLine on any line, from Seeds.
func FuzzLineDecoder(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	var d model.LineDecoder
	f.Fuzz(func(t *testing.T, line []byte) {
		if err := checkLine(&d, line); err != nil {
			t.Fatal(err)
		}
	})
}
