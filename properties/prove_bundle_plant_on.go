//go:build iamfuzz_plant_sessionusers

package properties

import (
	"slices"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// plantedBundleBug is on: see prove_bundle_plant_off.go. Never build a
// release with this tag.
const plantedBundleBug = true

// plantedClassBundle gives a user's class the session policy as one more SCP
// level: a filter every request of the user must pass, as a session's must.
func plantedClassBundle(t *Target, b *model.Bundle, r *model.Request) *model.Bundle {
	if t.Around == nil || t.Around.Session == nil || !strings.Contains(r.Principal, ":user/") {
		return b
	}
	out := *b
	out.SCP = append(slices.Clone(b.SCP), []*model.Compiled{t.Around.Session.compiled})
	return &out
}
