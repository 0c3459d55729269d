package peer

import "strings"

// emulateUnknownOperator: IAM rejects a policy with an unknown condition operator
// (the model's error unknown-operator). The peer accepts it and, having no such
// operator, decides each of its keys from presence alone: an absent key satisfies it
// when the name ends in IfExists or contains "not" (as a negated operator would),
// a present key never does; under ForAllValues an absent key satisfies it, under
// ForAnyValue nothing does. Each key is moved to an operator with that outcome.
func emulateUnknownOperator(rc *rewriteCase) bool {
	changed, failed := false, false
	rc.eachCondition(true, func(cond *node, op conditionOp, block *node) {
		name := op.String()
		if isKnownOperator(name) || splitOperator(name).base == "Null" {
			return
		}
		removeBlock(cond, block)
		lower := strings.ToLower(name)
		peerIfExists := strings.HasSuffix(lower, "ifexists")
		base := lower
		if i := strings.LastIndexByte(base, ':'); i >= 0 {
			base = base[i+1:]
		}
		for _, k := range block.members {
			switch {
			case op.set != "":
				failed = failed || !moveKey(cond, k, op.set, false)
			default:
				failed = failed || !moveKey(cond, k, "", peerIfExists || strings.Contains(base, "not"))
			}
		}
		changed = true
	})
	return changed && !failed
}
