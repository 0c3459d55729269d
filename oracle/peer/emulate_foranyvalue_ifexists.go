package peer

import (
	"slices"
	"strings"
)

// emulateForAnyValueIfExists: ForAnyValue:…IfExists on an absent key is UNDEF
// (iamfuzz: IfExists wins, true); the peer makes it false, as ForAnyValue alone.
// For a present key IfExists changes nothing, so the suffix is dropped.
func emulateForAnyValueIfExists(rc *rewriteCase) bool {
	changed, failed := false, false
	rc.eachConditionObject(true, func(cond *node) bool {
		for _, m := range slices.Clone(cond.members) {
			op := splitOperator(m.name)
			if op.set != "ForAnyValue:" || !op.ifExists || !isKnownOperator(m.name) || m.val.kind != '{' {
				continue
			}
			op.ifExists = false
			changed = true
			plain := cond.get(op.String())
			if plain == nil {
				for i := range cond.members {
					if cond.members[i].val == m.val {
						cond.members[i].name = op.String()
					}
				}
				continue
			}
			// The plain form is there already: its keys are ANDed with these.
			for _, k := range m.val.members {
				if slices.ContainsFunc(plain.members, func(x member) bool { return strings.EqualFold(x.name, k.name) }) {
					failed = true // the same key twice in one operator
					return false
				}
				plain.members = append(plain.members, k)
			}
			removeBlock(cond, m.val)
		}
		return true
	})
	return changed && !failed
}
