package partition

import (
	"fmt"
	"sort"
)

// Name splits: which caller names a policy tells apart through the text it
// writes the name into.
//
// A pattern such as arn:aws:iam::A:user/${aws:username} is, for the caller
// svc-a, the literal user/svc-a, and whether that resource lies in another
// statement's user/svc-* (a NotResource that exempts service users from the
// MFA deny, a Deny that locks them out) depends on the name. The literal names
// of the policy do not show it, so the callers are divided here by what the
// name does inside every "context" the policy or the caller writes it into
// (a resource or condition value with ${aws:username}, the spec's own-user
// templates), against the patterns without variables of the same dimension
// ("statics").
//
// For one context D (a language whose strings hold the marker byte where the
// name goes) and the statics S1..Sk, let M be the product of the statics'
// automata. A resource of D for the name n is a·n·b; after a, M is in some
// state m0 ("start"), after n in δ(m0,n), and the b's that complete D lead to
// the statics' membership vectors Fut(δ(m0,n)). The regions of the Venn
// diagram that D(n) meets are the union over starts of Fut(δ(m0,n)), so names
// that agree, for every start m0 and vector σ, on "σ ∈ Fut(δ(m0,n))" meet the
// same regions. Each such predicate is an automaton over names (M's states
// from m0, accepting where σ ∈ Fut); the caller walk takes them all.
//
// What this does not divide exactly is listed in Coverage.Unknown: a context
// that writes the name twice or beside another variable.

// nameMarker is the byte that stands for the caller's name in a context
// language. It is never a name's byte, and the wildcards of a context do not
// match it (markLang), so a context's strings hold it exactly where the name goes.
const nameMarker = 0

// NameMarker is the language of the marker: a caller writes it where the
// caller's own name goes in a NameContext.
func NameMarker() *Lang { return Byte(Set(string([]byte{nameMarker}))) }

// NameContext is a language of resources the caller writes its own user name
// into (the spec's "owned by the caller" templates, its liveness resources),
// with NameMarker where the name goes; Fold when the name is compared without
// regard to case.
type NameContext struct {
	Key  string
	Lang *Lang
	Fold bool
}

// markLang removes the marker from every byte set of l but the marker's own:
// wildcards then never write it.
func markLang(l *Lang) *Lang {
	marker := Set(string([]byte{nameMarker}))
	out := &Lang{op: l.op, n: l.n, set: l.set, raw: l.raw}
	if l.op == opSet && l.set != marker {
		out.set = l.set.Minus(marker)
	}
	for _, sub := range l.subs {
		out.subs = append(out.subs, markLang(sub))
	}
	return out
}

// nameDomain is one dimension the name is written into: the resources, or one
// condition key.
type nameDomain struct {
	what    string
	statics []*auto
	skeys   map[string]bool
	ctxs    []NameContext
	ckeys   map[string]bool
}

func (d *nameDomain) addStatic(e *enumerator, key string, l func() *Lang) {
	if d.skeys[key] {
		return
	}
	d.skeys[key] = true
	d.statics = append(d.statics, e.auto(key, l))
}

func (d *nameDomain) addCtx(c NameContext) {
	if d.ckeys[c.Key] {
		return
	}
	d.ckeys[c.Key] = true
	d.ctxs = append(d.ctxs, c)
}

// nameDomains gathers the statics and contexts of every dimension.
func (e *enumerator) nameDomains() []*nameDomain {
	byWhat := map[string]*nameDomain{}
	var order []string
	dom := func(what string) *nameDomain {
		d, ok := byWhat[what]
		if !ok {
			d = &nameDomain{what: what, skeys: map[string]bool{}, ckeys: map[string]bool{}}
			byWhat[what] = d
			order = append(order, what)
		}
		return d
	}
	// A pattern with ${aws:username} as its only variable is a context; one
	// without variables a static; anything else is left to the unknowns the
	// rest of the package reports, or reported here.
	read := func(what string, p *Pattern, glob GlobKind) {
		d := dom(what)
		if len(p.Vars) == 0 {
			codes, _ := p.Subst(nil)
			d.addStatic(e, "ns:"+what+":"+string(rune('0'+glob))+codesKey(codes, true), func() *Lang { return GlobLang(codes, glob) })
			return
		}
		user := 0
		for _, v := range p.Vars {
			if v.Key == "aws:username" {
				user++
			}
		}
		switch {
		case user == 0:
			return
		case user > 1 || len(p.Vars) > 1:
			e.cov.unknown("principal: %s pattern %q writes ${aws:username} twice or beside another variable; callers are not divided by what it does to their names", what, p.Text)
			return
		}
		codes, _ := p.Subst(func(string) (string, bool) { return string([]byte{nameMarker}), true })
		d.addCtx(NameContext{Key: "nc:" + what + ":" + string(rune('0'+glob)) + codesKey(codes, true), Lang: markLang(GlobLang(codes, glob)), Fold: glob == GlobFold})
	}
	for i := range e.stmts {
		s := &e.stmts[i]
		for j := range s.resources {
			if !s.resources[j].All {
				read("resource", &s.resources[j], GlobResource)
			}
		}
		for _, c := range s.conds {
			if (c.fam != famString && c.fam != famARN) || principalKeys[c.key] || !c.vars {
				continue
			}
			for j := range c.pats {
				read("condition key "+c.key, &c.pats[j], c.glob)
			}
		}
	}
	for _, c := range e.p.NameContexts {
		c.Lang = markLang(c.Lang)
		dom("resource").addCtx(c)
	}
	var out []*nameDomain
	for _, w := range order {
		if d := byWhat[w]; len(d.statics) > 0 && len(d.ctxs) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// nameSplitBudget bounds the product states one context's split may visit.
const nameSplitBudget = 200000

// nameSplits returns the name predicates of every context (name languages, by
// key), to be walked with the caller's other predicates.
func (e *enumerator) nameSplits() (keys []string, langs []*Lang) {
	for _, d := range e.nameDomains() {
		for _, c := range d.ctxs {
			ks, ls, ok := e.splitContext(d, c)
			if !ok {
				e.cov.unknown("principal: dividing callers by what %s does to their names took more than %d states", d.what, nameSplitBudget)
				continue
			}
			keys = append(keys, ks...)
			langs = append(langs, ls...)
		}
	}
	return keys, langs
}

// product is the explicit product of the statics' automata, built as walked.
type product struct {
	autos []*auto
	ids   map[string]int32
	tups  [][]int32
}

func (p *product) id(t []int32) int32 {
	b := make([]byte, 0, 4*len(t))
	for _, s := range t {
		b = append(b, byte(s), byte(s>>8), byte(s>>16), byte(s>>24))
	}
	if id, ok := p.ids[string(b)]; ok {
		return id
	}
	id := int32(len(p.tups))
	p.ids[string(b)] = id
	p.tups = append(p.tups, append([]int32(nil), t...))
	return id
}

func (p *product) step(m int32, c byte) int32 {
	t := p.tups[m]
	next := make([]int32, len(t))
	for i, a := range p.autos {
		next[i] = a.step(t[i], c)
	}
	return p.id(next)
}

func (p *product) sig(m int32) string {
	t := p.tups[m]
	b := make([]byte, len(t))
	for i, a := range p.autos {
		b[i] = boolByte(a.acc[t[i]])
	}
	return string(b)
}

// splitContext computes the name predicates of one context against the
// domain's statics; ok is false when the budget ran out.
func (e *enumerator) splitContext(d *nameDomain, c NameContext) (keys []string, langs []*Lang, ok bool) {
	D := e.auto(c.Key, func() *Lang { return c.Lang })
	m := &product{autos: d.statics, ids: map[string]int32{}}
	m.id(make([]int32, len(d.statics)))
	// Every byte class any of the automata tells apart, the marker aside.
	var reps []byte
	seen := map[string]bool{}
	key := make([]byte, 4*(len(d.statics)+1))
	for b := 1; b < 256; b++ {
		for j, a := range append([]*auto{D}, d.statics...) {
			v := a.classes[b]
			key[4*j], key[4*j+1], key[4*j+2], key[4*j+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			reps = append(reps, byte(b))
		}
	}
	type pair struct{ d, m int32 }
	spent := 0
	// Starts: where the marker can be read, after a prefix of D.
	var starts []pair
	visited := map[pair]bool{{0, 0}: true}
	queue := []pair{{0, 0}}
	startSeen := map[pair]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if spent++; spent > nameSplitBudget {
			return nil, nil, false
		}
		if D.dead[p.d] {
			continue
		}
		if d2 := D.step(p.d, nameMarker); !D.dead[d2] {
			if s := (pair{d2, p.m}); !startSeen[s] {
				startSeen[s] = true
				starts = append(starts, s)
			}
		}
		for _, b := range reps {
			q := pair{D.step(p.d, b), m.step(p.m, b)}
			if !visited[q] {
				visited[q] = true
				queue = append(queue, q)
			}
		}
	}
	// Fut(d, m): the statics' vectors where D, from d after the name, accepts.
	futs := map[pair]map[string]bool{}
	fut := func(from pair) (map[string]bool, bool) {
		if f, ok := futs[from]; ok {
			return f, true
		}
		f := map[string]bool{}
		visited := map[pair]bool{from: true}
		queue := []pair{from}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if spent++; spent > nameSplitBudget {
				return nil, false
			}
			if D.acc[p.d] {
				f[m.sig(p.m)] = true
			}
			if D.dead[p.d] {
				continue
			}
			for _, b := range reps {
				q := pair{D.step(p.d, b), m.step(p.m, b)}
				if !visited[q] {
					visited[q] = true
					queue = append(queue, q)
				}
			}
		}
		futs[from] = f
		return f, true
	}
	var nameBytes []byte
	for b := 0; b < 256; b++ {
		if NameChars.Has(byte(b)) {
			nameBytes = append(nameBytes, byte(b))
		}
	}
	for si, st := range starts {
		// The product states a name can lead to from this start, as an NFA
		// (two edges per byte when the name is compared without regard to case).
		local := map[int32]int32{st.m: 0}
		states := []int32{st.m}
		var edges [][]nedge
		for i := 0; i < len(states); i++ {
			if spent++; spent > nameSplitBudget {
				return nil, nil, false
			}
			byTarget := map[int32]ByteSet{}
			var order []int32
			for _, b := range nameBytes {
				targets := []byte{b}
				if c.Fold {
					if f := foldSet(b); f != Set(string([]byte{b})) {
						targets = append(targets, swapCase(b))
					}
				}
				for _, t := range targets {
					to := m.step(states[i], t)
					l, ok := local[to]
					if !ok {
						l = int32(len(states))
						local[to] = l
						states = append(states, to)
					}
					set, had := byTarget[l]
					if !had {
						order = append(order, l)
					}
					set.add(b)
					byTarget[l] = set
				}
			}
			var es []nedge
			for _, l := range order {
				es = append(es, nedge{byTarget[l], l})
			}
			edges = append(edges, es)
		}
		// One predicate per vector some state's future holds, unless every
		// state's future holds it (then it divides nothing).
		stFuts := make([]map[string]bool, len(states))
		sigs := map[string]bool{}
		for i, s := range states {
			f, ok := fut(pair{st.d, s})
			if !ok {
				return nil, nil, false
			}
			stFuts[i] = f
			for sg := range f {
				sigs[sg] = true
			}
		}
		sorted := make([]string, 0, len(sigs))
		for sg := range sigs {
			sorted = append(sorted, sg)
		}
		sort.Strings(sorted)
		for _, sg := range sorted {
			var accept []int32
			for i := range states {
				if stFuts[i][sg] {
					accept = append(accept, int32(i))
				}
			}
			if len(accept) == len(states) {
				continue
			}
			raw := &rawNFA{edges: edges, start: []int32{0}, accept: accept}
			keys = append(keys, fmt.Sprintf("nsplit:%s:%s:%d:%x", d.what, c.Key, si, sg))
			langs = append(langs, Raw(raw))
		}
	}
	return keys, langs, true
}

func swapCase(b byte) byte {
	switch {
	case 'a' <= b && b <= 'z':
		return b - 'a' + 'A'
	case 'A' <= b && b <= 'Z':
		return b - 'A' + 'a'
	}
	return b
}
