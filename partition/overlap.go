package partition

// Name contexts that meet out of step.
//
// The name split (namesplit.go) divides callers by what their name does
// inside each context against the statics, one context at a time. Two
// contexts of one condition key that both write the caller's name are
// related through the name itself: ${aws:username}-ops and ops-${aws:username}
// hold the same value exactly when the name is ops (or ops-ops, …), a
// relation between the name and itself that no predicate of the caller walk
// draws. Values where the two names sit at the same place are the same for
// every name (the rest of the value decides), so only values where they sit
// at different places matter, and a domain with such a pair is reported as
// not divided. Resource contexts are left out: the spec's own-user templates
// meet the policies' resource patterns for every name, and the resource
// segments of IAM ARNs keep names apart.

// nameOverlapBudget bounds the product states one pair may visit; a pair
// that spends it is reported as not divided.
const nameOverlapBudget = 200000

// highBit marks a byte written by the caller's name in nameTagged's strings.
const highBit = 0x80

// nameOverlaps reports the condition domains with two contexts that write the
// caller's name and can hold one value with the names at different places.
func (e *enumerator) nameOverlaps(d *nameDomain) {
	if d.what == "resource" {
		return
	}
	var named []NameContext
	for _, c := range d.ctxs {
		if hasMarker(c.Lang, nameMarker) {
			named = append(named, c)
		}
	}
	for i := range named {
		for j := i + 1; j < len(named); j++ {
			a, b := named[i], named[j]
			ka, kb := "tag:"+a.Key, "tag:"+b.Key
			ta := e.auto(ka, func() *Lang { return nameTagged(a.Lang) })
			tb := e.auto(kb, func() *Lang { return nameTagged(b.Lang) })
			if meetOutOfStep(ta, tb) {
				e.cov.unknown("principal: %s has two values that write the caller's name and can be equal with the names at different places; callers are not divided by how their names relate to themselves", d.what)
				return
			}
		}
	}
}

// nameTagged is a context language over ASCII where the name's bytes carry
// highBit and every other byte (the other markers filled as fillMarkers does)
// does not. Non-ASCII bytes are left out: wherever a context's wildcard can
// write one, it can write an ASCII byte as well, and the policies' own text
// is ASCII (checkSupported reports the rest).
func nameTagged(l *Lang) *Lang {
	if l.op == opSet {
		switch {
		case l.set.Has(nameMarker):
			var hi ByteSet
			for b := 0; b < highBit; b++ {
				if NameChars.Has(byte(b)) {
					hi.add(byte(b | highBit))
				}
			}
			return Plus(Byte(hi))
		case l.set.Has(accountMarker):
			return Between(Byte(Digits), 12, 12)
		case l.set.Has(otherMarker):
			return Plus(Byte(Range(' ', '~')))
		}
		return Byte(l.set.and(Range(0, highBit-1)).Minus(markers))
	}
	out := &Lang{op: l.op, n: l.n, raw: l.raw}
	for _, sub := range l.subs {
		out.subs = append(out.subs, nameTagged(sub))
	}
	return out
}

// meetOutOfStep reports whether a and b (nameTagged languages) hold strings
// that are equal once the tags are dropped but differ in their tags: one value
// both contexts can hold with the names at different places. It reports true
// when the walk spends nameOverlapBudget.
func meetOutOfStep(a, b *auto) bool {
	type st struct {
		x, y int32
		diff bool
	}
	seen := map[st]bool{{0, 0, false}: true}
	queue := []st{{0, 0, false}}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p.diff && a.acc[p.x] && b.acc[p.y] {
			return true
		}
		if a.dead[p.x] || b.dead[p.y] {
			continue
		}
		for c := 0; c < highBit; c++ {
			for _, ca := range tagsOf(byte(c)) {
				x := a.step(p.x, ca)
				if a.dead[x] {
					continue
				}
				for _, cb := range tagsOf(byte(c)) {
					y := b.step(p.y, cb)
					if b.dead[y] {
						continue
					}
					q := st{x, y, p.diff || ca != cb}
					if !seen[q] {
						if len(seen) >= nameOverlapBudget {
							return true
						}
						seen[q] = true
						queue = append(queue, q)
					}
				}
			}
		}
	}
	return false
}

// tagsOf is c as an untagged byte and, when a name can hold it, as a tagged one.
func tagsOf(c byte) []byte {
	if NameChars.Has(c) {
		return []byte{c, c | highBit}
	}
	return []byte{c}
}
