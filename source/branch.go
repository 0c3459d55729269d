package source

// chosen returns the value CloudFormation takes for n when n is written as
// Fn::If whose condition the template decides (nested ones too): the branch,
// unresolved, so that a Ref in it still names a resource (a principal, the
// template's own managed policy); none is true when that value is
// AWS::NoValue, which removes the item or property. Any other n, or an Fn::If
// whose condition depends on a value known only at deployment, is returned as
// written: resolving it then says why it is not known. Templates write
// conditional attachments and memberships this way, !If [Cond, x,
// !Ref AWS::NoValue], in ManagedPolicyArns, Policies, Groups and Users.
func (t *template) chosen(n *node) (v *node, none bool) {
	for depth := 0; n != nil && n.kind == nMap && len(n.keys) == 1 && depth <= maxDepth; depth++ {
		if ref := n.get("Ref"); ref != nil {
			return n, ref.kind == nStr && ref.str == "AWS::NoValue"
		}
		items := n.get("Fn::If").list()
		if len(items) != 3 || items[0].kind != nStr {
			return n, false
		}
		c := t.condition(items[0].str, 0)
		switch {
		case c.err != nil || !c.known:
			return n, false
		case c.value:
			n = items[1]
		default:
			n = items[2]
		}
	}
	return n, false
}

// chosenList is the items of a list property as CloudFormation takes them:
// the list chosen by an Fn::If around it, then each item's chosen value, the
// AWS::NoValue ones left out; j is each item's index as written. ok is false
// when the list is not written as one (a parameter, an Fn::If not decided).
func (t *template) chosenList(n *node) (items []*node, j []int, ok bool) {
	n, none := t.chosen(n)
	if n == nil || none {
		return nil, nil, true
	}
	if n.kind != nSeq {
		return nil, nil, false
	}
	for i, it := range n.items {
		if v, none := t.chosen(it); !none {
			items, j = append(items, v), append(j, i)
		}
	}
	return items, j, true
}
