package linedecode

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/internal/warmstack"
	"github.com/iamfuzz/iamfuzz/model"
)

// FuzzLineDecoder: checkLine and checkDeferred on any line, from Seeds.
func FuzzLineDecoder(f *testing.F) {
	for _, s := range seedcorpus.MustSeeds(f, Seeds) {
		f.Add(s)
	}
	var d model.LineDecoder
	deferred := model.LineDecoder{DeferPolicyChecks: true}
	// On a goroutine whose stack has grown once, not on go test -fuzz's fresh
	// one per execution (internal/warmstack).
	check := warmstack.New(func(line []byte) error {
		if err := checkLine(&d, line); err != nil {
			return err
		}
		return checkDeferred(&deferred, line)
	})
	f.Fuzz(func(t *testing.T, line []byte) {
		if err := check(line); err != nil {
			t.Fatal(err)
		}
	})
}
