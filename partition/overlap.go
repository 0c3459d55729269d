package partition

import "strings"

// Name contexts that meet out of step.
//
// The name split (namesplit.go) divides callers by what their name does
// inside each context against the statics, one context at a time. Two
// contexts of one dimension (the resources, or one condition key) that both
// write the caller's name are
// related through the name itself: ${aws:username}-ops and ops-${aws:username}
// hold the same value exactly when the name is ops (or ops-ops, …), a
// relation between the name and itself that no predicate of the caller walk
// draws. Values where the two names sit at the same place are the same for
// every name (the rest of the value decides), so only values where they sit
// at different places matter, and a domain with such a pair is reported as
// not divided. The walk keeps the places of the two names apart by the same
// length at both ends and leaves out what the name is (more values than one
// name gives, never fewer). Only the policies' own
// contexts are paired: a spec template (the caller's own user) decides
// whose a resource is, which the judge reads per request.

// nameOverlapBudget bounds the product states one pair may visit; a pair
// that spends it is reported as not divided.
const nameOverlapBudget = 200000

// nameOverlaps reports the domains with two policy contexts that write the
// caller's name and can hold one value with the names at different places.
func (e *enumerator) nameOverlaps(d *nameDomain) {
	var named []NameContext
	for _, c := range d.ctxs {
		if strings.HasPrefix(c.Key, "nc:") && hasMarker(c.Lang, nameMarker) {
			named = append(named, c)
		}
	}
	for i := range named {
		for j := i + 1; j < len(named); j++ {
			a, b := named[i], named[j]
			ta := e.auto(a.Key, func() *Lang { return a.Lang })
			tb := e.auto(b.Key, func() *Lang { return b.Lang })
			if meetOutOfStep(ta, tb) || meetOutOfStep(tb, ta) {
				e.cov.unknown("principal: %s has two patterns that write the caller's name and can be equal with the names at different places; callers are not divided by how their names relate to themselves", d.what)
				return
			}
		}
	}
}

// meetOutOfStep reports whether one value can be written into both contexts
// (languages with the name marker where the name goes) with a's name starting
// k ≥ 1 bytes before b's: the value is p·n·u'·s for a and p·u·n·s for b with
// |u| = |u'| = k. The name itself is left out (u and u' are read as any
// bytes), which only adds values. It reports true when the walk spends
// nameOverlapBudget.
func meetOutOfStep(a, b *auto) bool {
	// phase 0: the common prefix p; 1: a has read its marker, b has not yet;
	// 2: both have, the common suffix s.
	type st struct {
		x, y  int32
		phase uint8
	}
	reps := classReps(AnyByte.Minus(Set(string([]byte{nameMarker}))), a, b)
	visited := map[st]bool{{0, 0, 0}: true}
	queue := []st{{0, 0, 0}}
	add := func(q st) bool {
		if a.dead[q.x] || b.dead[q.y] || visited[q] {
			return false
		}
		visited[q] = true
		queue = append(queue, q)
		return len(visited) > nameOverlapBudget
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p.phase == 2 && a.acc[p.x] && b.acc[p.y] {
			return true
		}
		switch p.phase {
		case 0, 2:
			for _, c := range reps {
				if add(st{a.step(p.x, c), b.step(p.y, c), p.phase}) {
					return true
				}
			}
			if p.phase == 0 {
				xm := a.step(p.x, nameMarker)
				for _, c := range reps {
					if add(st{xm, b.step(p.y, c), 1}) {
						return true
					}
				}
			}
		case 1:
			ym := b.step(p.y, nameMarker)
			for _, c := range reps {
				x := a.step(p.x, c)
				if add(st{x, ym, 2}) {
					return true
				}
				for _, d := range reps {
					if add(st{x, b.step(p.y, d), 1}) {
						return true
					}
				}
			}
		}
	}
	return false
}
