package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/internal/warmstack"
)

// FuzzLineDecoder: checkLine and checkDeferred on any line, from Seeds.
func FuzzLineDecoder(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	// On a goroutine whose stack has grown once, not on go test -fuzz's fresh
	// one per execution (internal/warmstack).
	check := warmstack.New(newCheck())
	f.Fuzz(func(t *testing.T, line []byte) {
		if err := check(line); err != nil {
			t.Fatal(err)
		}
	})
}
