package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/internal/warmstack"
	"github.com/iamfuzz/iamfuzz/model"
)

// FuzzLineDecoder: checkLine on any line, from Seeds.
func FuzzLineDecoder(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	var d model.LineDecoder
	// On a goroutine whose stack has grown once, not on go test -fuzz's fresh
	// one per execution (internal/warmstack).
	check := warmstack.New(func(line []byte) error { return checkLine(&d, line) })
	f.Fuzz(func(t *testing.T, line []byte) {
		if err := check(line); err != nil {
			t.Fatal(err)
		}
	})
}
