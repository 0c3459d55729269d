package partition

import (
	"math/bits"
	"slices"
)

// auto is a Lang compiled to an NFA (Thompson construction) with a lazily built
// DFA on top: each DFA state is a set of NFA states closed under ε-moves.
type auto struct {
	// The NFA's n states, their byte edges edgeCSR[edgeAt[q]:edgeAt[q+1]]
	// and ε-edges epsCSR[epsAt[q]:epsAt[q+1]] (edgesOf, epsOf): built as
	// lists of pairs, then sorted by state once, where a slice per state was
	// most of a compilation's allocations (issue 15).
	n             int32
	eFrom, pFrom  []int32
	eList         []nedge
	pTo           []int32
	edgeAt, epsAt []int32
	edgeCSR       []nedge
	epsCSR        []int32
	start         int32
	accept        int32
	edgeSet       []ByteSet  // the distinct edge labels
	classes       [256]int32 // bytes that every edge treats alike share a class
	nclass        int32

	sets   []uint64 // DFA state d's NFA state set: words [d*words, (d+1)*words)
	hashes []uint64 // DFA state -> hashSet of its set
	table  []int32  // open addressing: DFA state+1 by hash, 0 empty
	// trans is the DFA's transitions by byte class: state d on class k goes
	// to trans[d*nclass+k] (-1 not worked out yet). A walk over a product
	// visits most (state, class) pairs once, so working one out must be
	// cheap: the ε-closures of the NFA's states are kept (clos), the next set
	// is built in scratch, and a set already known is found by its key
	// without allocating (issue 15).
	trans []int32
	// clos holds the ε-closure of NFA state s in words [s*words, (s+1)*words),
	// worked out when closDone[s].
	clos     []uint64
	closDone []bool
	words    int
	scratch  bitset
	acc      []bool
	dead     []bool
	// full marks DFA states from which every string is accepted (see
	// universal); the first one found stands for them all: a transition into
	// any full state goes to fullRep, so that a walk over the product does not
	// tell apart states whose futures are the same (a union of patterns with a
	// trailing '*' otherwise remembers which of them matched, and a product
	// walk over it explodes; docs/performance.md, the managed corpus).
	full    []bool
	fullRep int32
	// univ are the NFA states from which the NFA accepts every string.
	univ bitset
	// lkey is the key of the expression compiled (Lang.appendKey; "" for
	// none), by which the process's pool keeps the automaton, and
	// pooledWords its size as the pool counted it (autocache.go).
	lkey        string
	pooledWords int
}

type nedge struct {
	set ByteSet
	to  int32
}

type bitset []uint64

func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) set(i int32)      { b[i>>6] |= 1 << (i & 63) }

// set is DFA state d's set of NFA states (read only).
func (a *auto) set(d int32) bitset { return a.sets[int(d)*a.words : int(d+1)*a.words] }

func hashSet(b bitset) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range b {
		h = (h ^ w) * 1099511628211
		h ^= h >> 32
	}
	return h
}

func equalSet(a, b bitset) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func compile(l *Lang) *auto { return compileFull(l, true) }

// compileFull is compile; with merge false no state is full (tests compare).
func compileFull(l *Lang, merge bool) *auto {
	// The nodes are counted first: growing the two slices of slices node by
	// node was most of a compilation (issue 15).
	n := nodeCount(l)
	// A byte edge takes two states (opSet), an ε-edge about one each.
	a := &auto{eFrom: make([]int32, 0, n/2+1), eList: make([]nedge, 0, n/2+1), pFrom: make([]int32, 0, 2*n), pTo: make([]int32, 0, 2*n)}
	s, e := a.build(l)
	a.start, a.accept = s, e
	a.edgeAt, a.edgeCSR = byState(a.n, a.eFrom, a.eList)
	a.epsAt, a.epsCSR = byState(a.n, a.pFrom, a.pTo)
	a.eFrom, a.eList, a.pFrom, a.pTo = nil, nil, nil, nil
	seen := map[ByteSet]bool{}
	for _, ed := range a.edgeCSR {
		if !seen[ed.set] {
			seen[ed.set] = true
			a.edgeSet = append(a.edgeSet, ed.set)
		}
	}
	a.classes, a.nclass = refine(a.edgeSet)
	a.words = (int(a.n) + 63) / 64
	a.clos = make([]uint64, int(a.n)*a.words)
	a.closDone = make([]bool, a.n)
	a.scratch = a.newSet()
	a.fullRep = -1
	a.univ = a.universal()
	if !merge {
		a.univ = a.newSet()
	}
	a.state(a.closure(a.start))
	return a
}

func (a *auto) newSet() bitset { return make(bitset, (a.n+63)/64) }

func (a *auto) closeInto(b bitset, s int32) {
	if b.has(s) {
		return
	}
	b.set(s)
	for _, t := range a.epsOf(s) {
		a.closeInto(b, t)
	}
}

// closure is the ε-closure of NFA state s, worked out once.
func (a *auto) closure(s int32) bitset {
	c := bitset(a.clos[int(s)*a.words : int(s+1)*a.words])
	if !a.closDone[s] {
		a.closeInto(c, s)
		a.closDone[s] = true
	}
	return c
}

// state returns the DFA state of a closed NFA state set, adding it if new (b
// is copied then: the caller may reuse it). Known sets are found in an open
// addressing table by a hash of their words (issue 15: a map keyed by the
// set's bytes was half the cost of a new transition).
func (a *auto) state(b bitset) int32 {
	h := hashSet(b)
	if len(a.table) == 0 {
		a.table = make([]int32, 16)
	}
	mask := uint64(len(a.table) - 1)
	i := h & mask
	for ; a.table[i] != 0; i = (i + 1) & mask {
		if id := a.table[i] - 1; a.hashes[id] == h && equalSet(a.set(id), b) {
			return id
		}
	}
	id := int32(len(a.hashes))
	a.sets = append(a.sets, b...)
	a.hashes = append(a.hashes, h)
	if 2*len(a.hashes) > len(a.table) {
		a.table = rehash(a.hashes, 2*len(a.table))
	} else {
		a.table[i] = id + 1
	}
	a.trans = slices.Grow(a.trans, int(a.nclass))
	for range a.nclass {
		a.trans = append(a.trans, -1)
	}
	a.acc = append(a.acc, b.has(a.accept))
	empty := true
	for _, w := range b {
		if w != 0 {
			empty = false
			break
		}
	}
	a.dead = append(a.dead, empty)
	full := false
	for w, word := range b {
		if word&a.univ[w] != 0 {
			full = true
			break
		}
	}
	a.full = append(a.full, full)
	if full && a.fullRep < 0 {
		a.fullRep = id
	}
	return id
}

// step is the DFA transition on byte c.
func (a *auto) step(d int32, c byte) int32 {
	i := int(d)*int(a.nclass) + int(a.classes[c])
	if t := a.trans[i]; t >= 0 {
		return t
	}
	if a.full[d] {
		// Every successor of a full state is full (universal): stay on the
		// representative without computing the set.
		a.trans[i] = a.fullRep
		return a.fullRep
	}
	next := a.scratch
	clear(next)
	for w, word := range a.set(d) {
		for word != 0 {
			bit := word & -word
			word &^= bit
			s := int32(w*64 + bits.TrailingZeros64(bit))
			for _, ed := range a.edgesOf(s) {
				if ed.set.Has(c) {
					for k, cw := range a.closure(ed.to) {
						next[k] |= cw
					}
				}
			}
		}
	}
	t := a.state(next)
	if a.full[t] {
		t = a.fullRep
	}
	a.trans[i] = t
	return t
}

// Matches reports whether s is in the language (used by tests and checks).
func (a *auto) matches(s string) bool {
	d := int32(0)
	for i := 0; i < len(s); i++ {
		d = a.step(d, s[i])
		if a.dead[d] {
			return false
		}
	}
	return a.acc[d]
}

// Region is one class of a dimension: the set of predicates its strings satisfy
// (In[i] for predicate i) and the shortest string of it found first.
type Region struct {
	In      []bool
	Witness string
}

// jointClasses refines the bytes into the classes every automaton treats
// alike, numbered as they first appear from byte 0 up: the first
// automaton's classes refined by each next one's.
func jointClasses(autos []*auto) (class [256]int32, n int) {
	if len(autos) == 0 {
		return class, 1
	}
	class, n = autos[0].classes, int(autos[0].nclass)
	var remap []int32
	for _, a := range autos[1:] {
		m := n * int(a.nclass)
		if cap(remap) < m {
			remap = make([]int32, m)
		}
		remap = remap[:m]
		for i := range remap {
			remap[i] = -1
		}
		next := int32(0)
		for c := range 256 {
			k := int(class[c])*int(a.nclass) + int(a.classes[c])
			if remap[k] < 0 {
				remap[k] = next
				next++
			}
			class[c] = remap[k]
		}
		n = int(next)
	}
	return class, n
}

// classReps returns the first byte of set in each class of bytes that all of
// autos treat alike (jointClasses).
func classReps(set ByteSet, autos ...*auto) []byte {
	class, n := jointClasses(autos)
	seen := make([]bool, n)
	var out []byte
	for c := range 256 {
		if set.Has(byte(c)) && !seen[class[c]] {
			seen[class[c]] = true
			out = append(out, byte(c))
		}
	}
	return out
}

// byteRank orders the bytes a witness prefers (alphabet): letters, digits,
// capitals, then punctuation; 9 for a byte no one-byte witness can show.
var byteRank = func() (r [256]uint8) {
	for c := range r {
		switch {
		case 'a' <= c && c <= 'z':
			r[c] = 0
		case '0' <= c && c <= '9':
			r[c] = 1
		case 'A' <= c && c <= 'Z':
			r[c] = 2
		case c == '-' || c == '_' || c == '.':
			r[c] = 3
		case c >= ' ' && c < 0x7f:
			r[c] = 4
		case c < 0x80:
			r[c] = 8 // a control character: valid, if unusual, in a request
		default:
			r[c] = 9
		}
	}
	return r
}()

// alphabet refines the bytes into classes that every automaton treats alike and
// returns one representative per class, printable ASCII preferred (letters,
// digits, then punctuation). ok is false when some class has no printable member:
// its strings would need non-ASCII bytes, which a one-byte witness cannot show.
func alphabet(autos []*auto) (reps []byte, ok bool) {
	class, n := jointClasses(autos)
	best := make([]int, n)
	for i := range best {
		best[i] = -1
	}
	for c := 0; c < 256; c++ {
		k := class[c]
		if best[k] < 0 || byteRank[c] < byteRank[best[k]] {
			best[k] = c
		}
	}
	ok = true
	for _, c := range best {
		if byteRank[c] == 9 {
			ok = false // a class of only control or non-ASCII bytes
			continue
		}
		reps = append(reps, byte(c))
	}
	return reps, ok
}

// explore walks the product of the automata breadth-first and returns one
// region per reachable combination of memberships, each with its shortest
// witness. If domain >= 0, only strings of that automaton's language count (and
// the walk stops where the domain is dead: such states are not kept). It stops
// after budget product states: complete is then false.
func explore(autos []*auto, domain int, budget int) (regions []Region, complete bool, states int) {
	regions, complete, states, _ = exploreStop(autos, domain, budget)
	return regions, complete, states
}

// exploreStop is explore that also reports whether the budget stopped the
// walk. A walk the budget did not stop gives the same regions under any
// budget of at least its states: the budget is checked only against the
// states found so far, never more than the walk's total (walkcache.go).
func exploreStop(autos []*auto, domain int, budget int) (regions []Region, complete bool, states int, stopped bool) {
	reps, ok := alphabet(autos)
	complete = ok
	n := len(autos)
	// cls[r*n+j] is the class of reps[r] in autos[j]: a known transition is
	// then one load (auto.step's fast path, inlined here).
	cls := make([]int32, len(reps)*n)
	for r, c := range reps {
		for j, a := range autos {
			cls[r*n+j] = a.classes[c]
		}
	}
	// The product states live in one flat arena (n entries each) and are found
	// again by a hash of their entries (tupleSet): a walk may visit a hundred
	// thousand of them, and a slice and a string per state made the allocator
	// the walk's main cost.
	arena := make([]int32, n, 64*n)
	parent := []int32{-1}
	by := []byte{0}
	seen := newTupleSet(n)
	seen.add(arena, 0)
	sigs := map[string]struct{}{}
	sig := make([]byte, n)
	witness := func(i int) string {
		var b []byte
		for ; parent[i] >= 0; i = int(parent[i]) {
			b = append(b, by[i])
		}
		for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
			b[l], b[r] = b[r], b[l]
		}
		return string(b)
	}
	for i := 0; i < len(parent); i++ {
		st := arena[i*n : (i+1)*n]
		if domain < 0 || autos[domain].acc[st[domain]] {
			for j, a := range autos {
				sig[j] = boolByte(a.acc[st[j]])
			}
			if _, dup := sigs[string(sig)]; !dup {
				sigs[string(sig)] = struct{}{}
				in := make([]bool, n)
				for j := range in {
					in[j] = sig[j] == 1
				}
				regions = append(regions, Region{In: in, Witness: witness(i)})
			}
		}
		if domain >= 0 && autos[domain].dead[st[domain]] {
			continue
		}
		// A state where every automaton is dead or full has one signature
		// from here on, recorded above: nothing to expand.
		settled := true
		for j, a := range autos {
			if !a.dead[st[j]] && !a.full[st[j]] {
				settled = false
				break
			}
		}
		if settled {
			continue
		}
		if len(parent) > budget {
			return regions, false, len(parent), true
		}
		for r, c := range reps {
			// A successor outside the domain has no region and is never
			// expanded: it is not kept (nor counted against the budget;
			// most successors of a walk over an ARN template are such).
			if domain >= 0 {
				d := autos[domain]
				t := d.trans[int(st[domain])*int(d.nclass)+int(cls[r*n+domain])]
				if t < 0 {
					t = d.step(arena[i*n+domain], c)
				}
				if d.dead[t] {
					continue
				}
			}
			// The successor is written at the arena's end and kept there
			// only if it is new.
			at := len(arena)
			arena = append(arena, arena[i*n:(i+1)*n]...)
			next := arena[at:]
			k := cls[r*n : (r+1)*n]
			for j, a := range autos {
				t := a.trans[int(next[j])*int(a.nclass)+int(k[j])]
				if t < 0 {
					t = a.step(next[j], c)
				}
				next[j] = t
			}
			if !seen.add(arena, int32(len(parent))) {
				arena = arena[:at]
				continue
			}
			parent = append(parent, int32(i))
			by = append(by, c)
		}
	}
	return regions, complete, len(parent), false
}

// tupleSet is a set of the product states of an arena (n entries each, state
// i at arena[i*n:]), by open addressing on a hash of their entries.
type tupleSet struct {
	n      int
	slots  []int32 // state+1, 0 empty
	hashes []uint64
}

func newTupleSet(n int) *tupleSet {
	return &tupleSet{n: n, slots: make([]int32, 64)}
}

func hashTuple(t []int32) uint64 {
	h := uint64(14695981039346656037)
	for _, v := range t {
		h ^= uint64(uint32(v))
		h *= 1099511628211
	}
	return h ^ h>>29
}

// add adds state id, whose entries are the arena's last n, unless an equal
// state is in the set already; it reports whether it added it.
func (s *tupleSet) add(arena []int32, id int32) bool {
	_, added := s.addOrFind(arena, id)
	return added
}

// addOrFind is add that also returns the equal state found.
func (s *tupleSet) addOrFind(arena []int32, id int32) (int32, bool) {
	t := arena[int(id)*s.n : int(id+1)*s.n]
	h := hashTuple(t)
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for ; s.slots[i] != 0; i = (i + 1) & mask {
		if o := s.slots[i]; s.hashes[o-1] == h && equalTuple(arena[int(o-1)*s.n:int(o)*s.n], t) {
			return o - 1, false
		}
	}
	s.hashes = append(s.hashes, h)
	if 2*len(s.hashes) > len(s.slots) {
		s.slots = rehash(s.hashes, 2*len(s.slots))
	} else {
		s.slots[i] = id + 1
	}
	return id, true
}

// rehash returns an open-addressing table of size slots (a power of two)
// holding entry k+1 at the first free slot from hashes[k]: the table a set
// of hashed states (auto.state, tupleSet) grows into.
func rehash(hashes []uint64, size int) []int32 {
	table := make([]int32, size)
	mask := uint64(size - 1)
	for k, h := range hashes {
		i := h & mask
		for table[i] != 0 {
			i = (i + 1) & mask
		}
		table[i] = int32(k + 1)
	}
	return table
}

func equalTuple(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// refine returns the classes of bytes that every set treats alike, numbered
// in the order of their smallest byte, and how many there are. Each set splits
// the classes it cuts in two, so the cost follows the classes, not the bytes.
func refine(sets []ByteSet) (class [256]int32, n int32) {
	parts := []ByteSet{AnyByte}
	for _, s := range sets {
		for i, m := 0, len(parts); i < m; i++ {
			in, out := parts[i].and(s), parts[i].Minus(s)
			if !in.empty() && !out.empty() {
				parts[i] = in
				parts = append(parts, out)
			}
		}
	}
	var of [256]int32
	for i, p := range parts {
		for w, word := range p {
			for word != 0 {
				bit := word & -word
				word &^= bit
				of[w*64+bits.TrailingZeros64(bit)] = int32(i)
			}
		}
	}
	num := make([]int32, len(parts))
	for i := range num {
		num[i] = -1
	}
	for c := range 256 {
		if num[of[c]] < 0 {
			num[of[c]] = n
			n++
		}
		class[c] = num[of[c]]
	}
	return class, n
}

// intersects reports whether two languages share a string (a walk over the
// product until both accept).
func intersects(a, b *auto) bool {
	reps, _ := alphabet([]*auto{a, b})
	type pair struct{ x, y int32 }
	seen := map[pair]bool{{0, 0}: true}
	queue := []pair{{0, 0}}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if a.acc[p.x] && b.acc[p.y] {
			return true
		}
		if a.dead[p.x] || b.dead[p.y] {
			continue
		}
		for _, c := range reps {
			// A pair with a dead side accepts nothing from here on: it is
			// neither kept nor looked up (most successors of a template's
			// product with a pattern are such).
			x := a.step(p.x, c)
			if a.dead[x] {
				continue
			}
			q := pair{x, b.step(p.y, c)}
			if b.dead[q.y] {
				continue
			}
			if !seen[q] {
				seen[q] = true
				queue = append(queue, q)
			}
		}
	}
	return false
}

// includes reports whether every string of a is one of b (a walk over the
// product until a accepts where b does not). Every byte class counts, printable
// or not.
func includes(a, b *auto) bool {
	var reps []byte
	seen := map[[2]int32]bool{}
	for c := 0; c < 256; c++ {
		k := [2]int32{a.classes[c], b.classes[c]}
		if !seen[k] {
			seen[k] = true
			reps = append(reps, byte(c))
		}
	}
	type pair struct{ x, y int32 }
	visited := map[pair]bool{{0, 0}: true}
	queue := []pair{{0, 0}}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if a.acc[p.x] && !b.acc[p.y] {
			return false
		}
		if a.dead[p.x] {
			continue
		}
		for _, c := range reps {
			q := pair{a.step(p.x, c), b.step(p.y, c)}
			if !visited[q] {
				visited[q] = true
				queue = append(queue, q)
			}
		}
	}
	return true
}
