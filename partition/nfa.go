package partition

// The NFA under each automaton (auto): Thompson's construction of a Lang, its
// states' edges sorted by state, and the states from which every string is
// accepted.

// nodeCount is the number of NFA states build makes for l.
func nodeCount(l *Lang) int {
	switch l.op {
	case opSet:
		return 2
	case opSeq:
		n := 1
		for _, sub := range l.subs {
			n += nodeCount(sub)
		}
		return n
	case opAlt:
		n := 2
		for _, sub := range l.subs {
			n += nodeCount(sub)
		}
		return n
	case opStar:
		return 2 + nodeCount(l.subs[0])
	case opRepeat:
		return 2 + l.n*nodeCount(l.subs[0])
	case opRaw:
		return 2 + len(l.raw.edges)
	}
	return 0
}

// byState sorts pairs (from[i], to[i]) by from, keeping their order within a
// state: to[at[q]:at[q+1]] are state q's, for the n states.
func byState[T any](n int32, from []int32, to []T) (at []int32, out []T) {
	at = make([]int32, n+1)
	for _, q := range from {
		at[q+1]++
	}
	for q := range n {
		at[q+1] += at[q]
	}
	out = make([]T, len(to))
	fill := append([]int32(nil), at[:n]...)
	for i, q := range from {
		out[fill[q]] = to[i]
		fill[q]++
	}
	return at, out
}

func (a *auto) edgesOf(q int32) []nedge { return a.edgeCSR[a.edgeAt[q]:a.edgeAt[q+1]] }
func (a *auto) epsOf(q int32) []int32   { return a.epsCSR[a.epsAt[q]:a.epsAt[q+1]] }

func (a *auto) addEdge(q int32, ed nedge) {
	a.eFrom = append(a.eFrom, q)
	a.eList = append(a.eList, ed)
}

func (a *auto) addEps(q int32, to ...int32) {
	for _, t := range to {
		a.pFrom = append(a.pFrom, q)
		a.pTo = append(a.pTo, t)
	}
}

func (a *auto) node() int32 {
	a.n++
	return a.n - 1
}

func (a *auto) build(l *Lang) (start, end int32) {
	switch l.op {
	case opSet:
		s, e := a.node(), a.node()
		if !l.set.empty() {
			a.addEdge(s, nedge{l.set, e})
		}
		return s, e
	case opSeq:
		s := a.node()
		cur := s
		for _, sub := range l.subs {
			ss, se := a.build(sub)
			a.addEps(cur, ss)
			cur = se
		}
		return s, cur
	case opAlt:
		s, e := a.node(), a.node()
		for _, sub := range l.subs {
			ss, se := a.build(sub)
			a.addEps(s, ss)
			a.addEps(se, e)
		}
		return s, e
	case opStar:
		s, e := a.node(), a.node()
		ss, se := a.build(l.subs[0])
		a.addEps(s, ss, e)
		a.addEps(se, ss, e)
		return s, e
	case opRepeat:
		s := a.node()
		cur := s
		end := a.node()
		for range l.n {
			ss, se := a.build(l.subs[0])
			a.addEps(cur, ss, end)
			cur = se
		}
		a.addEps(cur, end)
		return s, end
	case opRaw:
		s, e := a.node(), a.node()
		base := a.n
		for range l.raw.edges {
			a.node()
		}
		for i, es := range l.raw.edges {
			for _, ed := range es {
				a.addEdge(base+int32(i), nedge{ed.set, base + ed.to})
			}
		}
		for _, st := range l.raw.start {
			a.addEps(s, base+st)
		}
		for _, ac := range l.raw.accept {
			a.addEps(base+ac, e)
		}
		return s, e
	}
	panic("partition: unknown language operator")
}

// universal returns the NFA states from which every string is accepted, as far
// as a sufficient syntactic test shows: the greatest set U of states q whose
// ε-closure holds the accept state and an edge on every byte to a state of U.
// From such a q the empty string is accepted and, whatever the next byte, the
// walk can stay in U, so every string is (a star over AnyByte at a pattern's
// end, for instance). A DFA state holding one is full. The test may miss a
// universal state (say, one that needs two edges to cover the bytes); that only
// leaves two equivalent DFA states apart, as before.
func (a *auto) universal() bitset {
	n := a.n
	// Without an edge on every byte no state is universal (the fixpoint
	// below ends empty): most languages of a proof are such.
	anyEdge := false
	for q := range n {
		for _, ed := range a.edgesOf(q) {
			anyEdge = anyEdge || ed.set == AnyByte
		}
	}
	if !anyEdge {
		return a.newSet()
	}
	// rev are the ε-edges reversed, rev[at[q]:at[q+1]] those into q:
	// reach(from) is every state whose ε-closure meets from.
	at := make([]int32, n+1)
	for q := range n {
		for _, t := range a.epsOf(q) {
			at[t+1]++
		}
	}
	for q := range n {
		at[q+1] += at[q]
	}
	rev, fill := make([]int32, at[n]), append([]int32(nil), at[:n]...)
	for q := range n {
		for _, t := range a.epsOf(q) {
			rev[fill[t]] = q
			fill[t]++
		}
	}
	reach := func(from []int32) bitset {
		b := a.newSet()
		for len(from) > 0 {
			q := from[len(from)-1]
			from = from[:len(from)-1]
			if b.has(q) {
				continue
			}
			b.set(q)
			from = append(from, rev[at[q]:at[q+1]]...)
		}
		return b
	}
	acc := reach([]int32{a.accept})
	in := acc
	for {
		var from []int32
		for q := range n {
			for _, ed := range a.edgesOf(q) {
				if ed.set == AnyByte && in.has(ed.to) {
					from = append(from, q)
					break
				}
			}
		}
		next := reach(from)
		changed := false
		for w := range next {
			next[w] &= acc[w]
			changed = changed || next[w] != in[w]
		}
		if !changed {
			return in
		}
		in = next
	}
}
