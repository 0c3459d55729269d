package peer

import (
	"slices"

	"github.com/iamfuzz/iamfuzz/model"
)

// negatedVariableOps are the negated operators whose values may hold variables.
var negatedVariableOps = []string{"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}

// emulateNegatedUnresolved: a value of a negated operator (StringNotEquals, …)
// whose variable has no value matches nothing, so by the NOR rule it does not stop
// the operator from being true (docs/semantics.md §6, T07). The peer instead makes
// the whole operator false for a present key. The key's entry is moved to an
// operator with the peer's outcome: for the plain form "false when the key is
// present, true when absent" (StringEqualsIfExists of a value that never
// resolves); ForAllValues: false unless the key is absent or empty; ForAnyValue:
// always false.
func emulateNegatedUnresolved(rc *rewriteCase) bool {
	return rc.moveKeys(false, true, func(op conditionOp) bool {
		return slices.Contains(negatedVariableOps, op.base)
	}, func(r *model.Request, k member) bool {
		return slices.ContainsFunc(k.val.strings(), func(v string) bool { return unresolved(v, r) })
	})
}
