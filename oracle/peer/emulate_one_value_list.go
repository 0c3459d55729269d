package peer

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// emulateOneValueList: the peer reads a context value given as a list of one value
// as that value, so an operator without a set qualifier compares it; the model
// follows AWS's policy simulator, for which a list never satisfies such an
// operator (docs/eval-format.md). The list is rewritten as its one value.
func emulateOneValueList(rc *rewriteCase) bool {
	changed := false
	for k, v := range rc.req.Context {
		if v.Kind() != '[' {
			continue
		}
		var items []jsontext.Value
		if err := json.Unmarshal(v, &items); err != nil || len(items) != 1 {
			continue
		}
		rc.req.Context[k] = items[0]
		changed = true
	}
	return changed
}
