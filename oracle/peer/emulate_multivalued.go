package peer

import "github.com/iamfuzz/iamfuzz/model"

// emulateMultivaluedNoSet: a multi-valued key (a list, even an empty one) under an
// operator without ForAllValues/ForAnyValue is UNDEF (iamfuzz: any value matching
// decides). The peer never matches such a key, not even under a negated operator.
// Such keys are moved to an operator that is false for a present key.
func emulateMultivaluedNoSet(rc *rewriteCase) bool {
	return rc.moveKeys(true, false, func(op conditionOp) bool {
		return op.set == "" && op.base != "Null" && isKnownOperator(op.String())
	}, func(r *model.Request, k member) bool {
		v, ok := r.Value(k.name)
		return ok && v.Multi
	})
}
