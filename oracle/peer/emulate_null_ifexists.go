package peer

// emulateNullIfExists: IAM rejects Null…IfExists (the model's error
// null-with-ifexists); the peer evaluates it as Null.
func emulateNullIfExists(rc *rewriteCase) bool {
	return rc.mergeIntoNull(func(name string) bool { return name == "NullIfExists" })
}

// emulateNullSet: IAM accepts ForAllValues:Null and ForAnyValue:Null, and the model
// decides them by the set rules (a missing key makes ForAllValues true and
// ForAnyValue false, docs/semantics.md §5.4); the peer ignores the qualifier and
// evaluates them as Null.
func emulateNullSet(rc *rewriteCase) bool {
	return rc.mergeIntoNull(func(name string) bool { return name == "ForAllValues:Null" || name == "ForAnyValue:Null" })
}

// mergeIntoNull moves the keys of the operator blocks whose name is picked into the
// statement's Null block (made when there is none).
func (rc *rewriteCase) mergeIntoNull(pick func(string) bool) bool {
	changed := false
	rc.eachConditionObject(true, func(cond *node) bool {
		var null *node
		for _, m := range cond.members {
			if m.name == "Null" {
				null = m.val
			}
		}
		out := cond.members[:0]
		for _, m := range cond.members {
			if !pick(m.name) {
				out = append(out, m)
				continue
			}
			changed = true
			if null == nil {
				out = append(out, member{"Null", m.val})
				null = m.val
			} else if null.kind == '{' && m.val.kind == '{' {
				null.members = append(null.members, m.val.members...)
			}
		}
		cond.members = out
		return true
	})
	return changed
}
