package peer

import "strings"

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

// mergeNullKeys adds keys to a Null block. A key the block already tests must hold
// under both (the peer evaluates both blocks), so its values become the ones both
// lists share; with none shared, a value that never matches.
func mergeNullKeys(null *node, keys []member) {
	for _, k := range keys {
		var same *member
		for i := range null.members {
			if strings.EqualFold(null.members[i].name, k.name) {
				same = &null.members[i]
			}
		}
		if same == nil {
			null.members = append(null.members, k)
			continue
		}
		a, b := nullFlags(same.val), nullFlags(k.val)
		var both []*node
		for _, f := range []string{"true", "false"} {
			if a[f] && b[f] {
				both = append(both, stringNode(f))
			}
		}
		if len(both) == 0 {
			both = append(both, stringNode("never"))
		}
		same.val = &node{kind: '[', items: both}
	}
}

// nullFlags reads the values of a Null key: "true"/"false" in any case, as strings
// or JSON booleans.
func nullFlags(v *node) map[string]bool {
	out := map[string]bool{}
	for _, e := range v.elems() {
		switch e.kind {
		case 't':
			out["true"] = true
		case 'f':
			out["false"] = true
		case '"':
			if s, ok := e.str(); ok {
				out[strings.ToLower(s)] = true
			}
		}
	}
	return out
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
				mergeNullKeys(null, m.val.members)
			}
		}
		cond.members = out
		return true
	})
	return changed
}
