package partition

import (
	"fmt"
	"sort"
	"strconv"
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
// The caller's account is written the same way (${aws:PrincipalAccount}, the
// spec's {account}, "the resource is in the caller's account"): a context may
// hold both markers, and then a marker's "future" also holds the places where
// the next marker starts, so that the account's and the name's predicates
// together fix the regions.
//
// What this does not divide exactly is listed in Coverage.Unknown: a context
// that writes one of them twice or beside another variable; a value with only
// the account as variable, outside a resource's account segment, that a value
// writing the name can equal (acctOverlaps); two policy patterns that write
// the name and can hold one value with the names at different places
// (overlap.go). Each relates the caller's name to its account or to itself,
// which the caller walk, dividing names and accounts each on its own, does not
// draw.

// The marker bytes stand for the caller's name and account in a context
// language. Neither is a byte of a name or an account, and the wildcards of a
// context do not match them (markLang), so a context's strings hold them
// exactly where the name and the account go.
const (
	nameMarker    = 0
	accountMarker = 1
	// otherMarker stands for ${aws:userid} or ${aws:PrincipalArn}: values
	// the callers are not divided by, so a context whose split would need
	// them is reported unknown.
	otherMarker = 2
)

var markers = Set(string([]byte{nameMarker, accountMarker, otherMarker}))

// NameMarker is the language of the name marker: a caller writes it where the
// caller's own name goes in a NameContext.
func NameMarker() *Lang { return Byte(Set(string([]byte{nameMarker}))) }

// AccountMarker is the same for the caller's account.
func AccountMarker() *Lang { return Byte(Set(string([]byte{accountMarker}))) }

// NameContext is a language of resources the caller writes its own user name
// or account into (the spec's "owned by the caller" templates, its liveness
// resources), with NameMarker and AccountMarker where they go; Fold when the
// name is compared without regard to case.
type NameContext struct {
	Key  string
	Lang *Lang
	Fold bool
	// IfPolicyWrites: divide by this context only when a policy writes the
	// caller's name or account into a resource pattern itself. Without that,
	// a static pattern treats every caller's own resource as it treats
	// everyone else's, and the caller with a name no pattern mentions already
	// finds what such a context would (no-escalation's own user: dividing by
	// it turned AmplifyBackendDeployFullAccess's 10 callers into 364 and its
	// failure into a timeout).
	IfPolicyWrites bool
}

// markLang removes the markers from every byte set of l but a marker's own:
// wildcards then never write them.
func markLang(l *Lang) *Lang {
	out := &Lang{op: l.op, n: l.n, set: l.set, raw: l.raw}
	if l.op == opSet && l.set.Minus(markers) != (ByteSet{}) {
		out.set = l.set.Minus(markers)
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
	// acctOnly are the contexts whose one caller variable is the account
	// and which the statics do not stand in for (acctOverlaps).
	acctOnly []NameContext
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
	c.Lang = markLang(c.Lang)
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
			k := "ns:" + what + ":" + string(rune('0'+glob)) + codesKey(codes, true)
			if glob == GlobResource {
				k = resKey(codes) // the automaton resourcePreds builds too
			}
			l := func() *Lang { return GlobLang(codes, glob) }
			d.addStatic(e, k, l)
			if what == "resource" && accountSensitive(codes) {
				dom("account").addStatic(e, k, l)
			}
			return
		}
		if what == "resource" {
			// Whether a resource is in the caller's account depends on the
			// pattern's first five segments only: with variables only after
			// them, those segments are a static of the account dimension.
			if head, ok := arnHead(p.codes); ok && accountSensitive(head) {
				k := "nsh:" + codesKey(head, true)
				dom("account").addStatic(e, k, func() *Lang { return GlobLang(head, GlobResource) })
			}
		}
		count := map[string]int{}
		for _, v := range p.Vars {
			count[v.Key]++
		}
		user, acct, other := count[keyUsername], count[keyPrincipalAccount], count[keyUserID]+count[keyPrincipalARN]
		switch {
		case user+acct+other == 0:
			return
		case user > 1 || acct > 1 || other > 1 || len(p.Vars) > user+acct+other:
			e.cov.unknown("principal: %s pattern %q writes a variable of the caller twice or beside another variable; callers are not divided by what it does to their names and accounts", what, p.Text)
			return
		}
		if what == "resource" && user == 0 && other == 0 {
			// Against the names written elsewhere, a pattern whose one
			// variable is the caller's account is, account aside, a static:
			// the name only ever meets its resource part.
			var anyAcct []Code
			for _, c := range p.codes {
				if c >= varBase {
					for range 12 {
						anyAcct = append(anyAcct, WildOneSeg)
					}
					continue
				}
				anyAcct = append(anyAcct, c)
			}
			d.addStatic(e, "nsa:"+codesKey(anyAcct, true), func() *Lang { return GlobLang(anyAcct, GlobResource) })
		}
		codes, _ := p.Subst(func(k string) (string, bool) {
			switch k {
			case keyUsername:
				return string([]byte{nameMarker}), true
			case keyPrincipalAccount:
				return string([]byte{accountMarker}), true
			}
			return string([]byte{otherMarker}), true
		})
		ctx := NameContext{Key: "nc:" + what + ":" + string(rune('0'+glob)) + codesKey(codes, true), Lang: markLang(GlobLang(codes, glob)), Fold: glob == GlobFold}
		d.addCtx(ctx)
		if user == 0 && other == 0 && (what != "resource" || !varInAccountSegment(p.codes)) {
			d.acctOnly = append(d.acctOnly, ctx)
		}
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
	for _, rp := range e.p.StaticResources {
		l := rp.Lang
		dom("resource").addStatic(e, "x:"+rp.Key, func() *Lang { return l })
	}
	writes := byWhat["resource"] != nil && len(byWhat["resource"].ctxs) > 0
	for _, c := range e.p.NameContexts {
		if c.IfPolicyWrites && !writes {
			continue
		}
		dom("resource").addCtx(c)
	}
	// Whether a resource is in the caller's account (resourcePreds), against
	// the patterns whose account segment mixes digits and wildcards (a
	// literal account is one of accounts(); a wildcard alone treats every
	// account alike).
	if d := byWhat["account"]; d != nil {
		seg := Any(NotColon)
		d.addCtx(NameContext{Key: "acct", Lang: Seq(Lit("arn:"), seg, Lit(":"), seg, Lit(":"), seg, Lit(":"), Alt(AccountMarker(), Seq()), Lit(":"), Any(AnyByte.Minus(markers)))})
	}
	for _, w := range order {
		e.acctOverlaps(byWhat[w])
		e.nameOverlaps(byWhat[w])
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

// split is one predicate on the caller's name or account (by marker).
type split struct {
	marker byte
	key    string
	lang   *Lang
}

// nameSplits returns the name and account predicates of every context, to be
// walked with the caller's other predicates.
func (e *enumerator) nameSplits() []split {
	var out []split
	for _, d := range e.nameDomains() {
		for _, c := range d.ctxs {
			ss, ok := e.splitContext(d, c)
			if !ok {
				e.cov.unknown("principal: dividing callers by what %s does to their names and accounts took more than %d states", d.what, nameSplitBudget)
				continue
			}
			for _, sp := range ss {
				if sp.marker == otherMarker {
					e.cov.unknown("principal: %s writes ${aws:userid} or ${aws:PrincipalArn} where the policies' patterns tell values apart; callers are not divided by them", d.what)
					continue
				}
				out = append(out, sp)
			}
		}
	}
	return out
}

// product is the explicit product of the statics' automata, built as walked:
// its states live in an arena (len(autos) entries each), are found again by
// tupleSet, and their transitions by byte class are kept (issue 15: a slice and a string
// per step made the name split a third of a proof).
type product struct {
	autos   []*auto
	arena   []int32
	set     *tupleSet
	classes [256]int32 // bytes every automaton treats alike (jointClasses)
	nclass  int
	trans   []int32 // state*nclass+class -> state, -1 not worked out yet
}

func newProduct(autos []*auto) *product {
	p := &product{autos: autos, set: newTupleSet(len(autos))}
	p.classes, p.nclass = jointClasses(autos)
	p.arena = make([]int32, len(autos))
	p.set.add(p.arena, 0)
	p.grow()
	return p
}

func (p *product) grow() {
	for range p.nclass {
		p.trans = append(p.trans, -1)
	}
}

func (p *product) step(m int32, c byte) int32 {
	k := int(m)*p.nclass + int(p.classes[c])
	if t := p.trans[k]; t >= 0 {
		return t
	}
	n := len(p.autos)
	at := len(p.arena)
	p.arena = append(p.arena, p.arena[int(m)*n:int(m+1)*n]...)
	next := p.arena[at:]
	for i, a := range p.autos {
		next[i] = a.step(next[i], c)
	}
	id := int32(at / max(n, 1))
	if old, added := p.set.addOrFind(p.arena, id); !added {
		p.arena = p.arena[:at]
		id = old
	} else {
		p.grow()
	}
	p.trans[k] = id
	return id
}

func (p *product) sig(m int32) string {
	n := len(p.autos)
	t := p.arena[int(m)*n : int(m+1)*n]
	b := make([]byte, len(t))
	for i, a := range p.autos {
		b[i] = boolByte(a.acc[t[i]])
	}
	return string(b)
}

// splitContext computes the name and account predicates of one context against
// the domain's statics; ok is false when the budget ran out.
func (e *enumerator) splitContext(d *nameDomain, c NameContext) (out []split, ok bool) {
	D := e.auto(c.Key, func() *Lang { return c.Lang })
	m := newProduct(d.statics)
	m0 := int32(0)
	// Every byte class any of the automata tells apart, the markers aside.
	reps := classReps(AnyByte.Minus(markers), append([]*auto{D}, d.statics...)...)
	type pair struct{ d, m int32 }
	type start struct {
		marker byte
		at     pair
	}
	spent := 0
	var starts []start
	startIDs := map[start]int{}
	// seg walks D's text up to its end or the next marker, from a pair: its
	// outcomes are the statics' vectors where D accepts and the markers' starts.
	segs := map[pair]map[string]bool{}
	seg := func(from pair) (map[string]bool, bool) {
		if f, ok := segs[from]; ok {
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
				f["s"+m.sig(p.m)] = true
			}
			if D.dead[p.d] {
				continue
			}
			for _, mk := range []byte{nameMarker, accountMarker, otherMarker} {
				if d2 := D.step(p.d, mk); !D.dead[d2] {
					st := start{mk, pair{d2, p.m}}
					id, ok := startIDs[st]
					if !ok {
						id = len(starts)
						startIDs[st] = id
						starts = append(starts, st)
					}
					f["m"+strconv.Itoa(id)] = true
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
		segs[from] = f
		return f, true
	}
	if _, ok := seg(pair{0, m0}); !ok {
		return nil, false
	}
	var nameBytes, digitBytes, printable []byte
	for b := 0; b < 256; b++ {
		if b > ' ' && b < 0x7f {
			printable = append(printable, byte(b))
		}
		if NameChars.Has(byte(b)) {
			nameBytes = append(nameBytes, byte(b))
		}
		if Digits.Has(byte(b)) {
			digitBytes = append(digitBytes, byte(b))
		}
	}
	// starts grows while the segments after each marker are walked.
	for si := 0; si < len(starts); si++ {
		st := starts[si]
		alphabet, fold := nameBytes, c.Fold
		switch st.marker {
		case accountMarker:
			alphabet, fold = digitBytes, false
		case otherMarker:
			alphabet, fold = printable, false
		}
		// The product states a value can lead to from this start, as an NFA
		// (two edges per byte when a name is compared without regard to case).
		local := map[int32]int32{st.at.m: 0}
		states := []int32{st.at.m}
		var edges [][]nedge
		for i := 0; i < len(states); i++ {
			if spent++; spent > nameSplitBudget {
				return nil, false
			}
			byTarget := map[int32]ByteSet{}
			var order []int32
			for _, b := range alphabet {
				targets := []byte{b}
				if fold && swapCase(b) != b {
					targets = append(targets, swapCase(b))
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
		// One predicate per outcome some state leads to, unless every state
		// leads to it (then it divides nothing).
		stOuts := make([]map[string]bool, len(states))
		toks := map[string]bool{}
		for i, s := range states {
			f, ok := seg(pair{st.at.d, s})
			if !ok {
				return nil, false
			}
			stOuts[i] = f
			for t := range f {
				toks[t] = true
			}
		}
		sorted := make([]string, 0, len(toks))
		for t := range toks {
			sorted = append(sorted, t)
		}
		sort.Strings(sorted)
		for _, t := range sorted {
			var accept []int32
			for i := range states {
				if stOuts[i][t] {
					accept = append(accept, int32(i))
				}
			}
			if len(accept) == len(states) {
				continue
			}
			out = append(out, split{marker: st.marker, key: fmt.Sprintf("nsplit:%s:%s:%d:%x", d.what, c.Key, si, t),
				lang: Raw(&rawNFA{edges: edges, start: []int32{0}, accept: accept})})
		}
	}
	return out, true
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

// accountSensitive reports whether a resource pattern's account segment has
// both a literal byte and a wildcard.
func accountSensitive(codes []Code) bool {
	seg, lit, wild := 0, false, false
	for _, c := range codes {
		if c == ':' {
			seg++
			continue
		}
		if seg == 4 {
			lit = lit || c <= 0xFF
			wild = wild || c > 0xFF
		}
	}
	return lit && wild
}

// arnHead is a resource pattern's first five segments and their colons,
// followed by a '*' for the rest; ok is false when they hold a variable or the
// pattern has fewer segments.
func arnHead(codes []Code) (head []Code, ok bool) {
	seg := 0
	for i, c := range codes {
		if c >= varBase {
			return nil, false
		}
		if c == ':' {
			if seg++; seg == 5 {
				return append(append([]Code(nil), codes[:i+1]...), WildStar), true
			}
		}
	}
	return nil, false
}

// Lower-cased keys of the variables a context may hold.
const (
	keyUsername         = "aws:username"
	keyPrincipalAccount = "aws:principalaccount"
	keyPrincipalARN     = "aws:principalarn"
)

// acctOverlaps reports, as not divided, a context whose one caller variable is
// the account, written outside a resource's account segment, when its values
// can also be values of a context that writes the caller's name (or unique ID
// or ARN): a user named 111122223333-breakglass-x, in account 111122223333,
// writes into ${aws:username} a value that ${aws:PrincipalAccount}-breakglass-*
// matches, and no other user does. Whether they meet depends on how the name
// relates to the account, which no predicate of the caller walk draws (the
// walk divides names and accounts each on its own), and the statics leave
// such a pattern out. Inside the account segment the account never meets a
// name (the anyAcct static of nameDomains).
func (e *enumerator) acctOverlaps(d *nameDomain) {
	for _, a := range d.acctOnly {
		for _, c := range d.ctxs {
			if c.Key == a.Key || !hasMarker(c.Lang, nameMarker) && !hasMarker(c.Lang, otherMarker) {
				continue
			}
			ka, kc := "fill:"+a.Key, "fill:"+c.Key
			al, cl := a.Lang, c.Lang
			if e.meet(ka, func() *auto { return e.auto(ka, func() *Lang { return fillMarkers(al) }) }, kc, "",
				func() *auto { return e.auto(kc, func() *Lang { return fillMarkers(cl) }) }) {
				e.cov.unknown("principal: %s has a value with only the caller's account as variable that a value with the caller's name can equal; callers are not divided by how their names relate to their accounts", d.what)
				return
			}
		}
	}
}

// hasMarker reports whether l writes the marker mk.
func hasMarker(l *Lang, mk byte) bool {
	if l.op == opSet && l.set.Has(mk) {
		return true
	}
	for _, sub := range l.subs {
		if hasMarker(sub, mk) {
			return true
		}
	}
	return false
}

// fillMarkers replaces each marker of a context language by what a caller may
// write there: a name, an account of twelve digits, any non-empty text for a
// unique ID or ARN. Marker sets are single markers (markLang).
func fillMarkers(l *Lang) *Lang {
	if l.op == opSet {
		switch {
		case l.set.Has(nameMarker):
			return Plus(Byte(NameChars))
		case l.set.Has(accountMarker):
			return Between(Byte(Digits), 12, 12)
		case l.set.Has(otherMarker):
			return Plus(Byte(AnyByte.Minus(markers)))
		}
		return l
	}
	out := &Lang{op: l.op, n: l.n, set: l.set, raw: l.raw}
	for _, sub := range l.subs {
		out.subs = append(out.subs, fillMarkers(sub))
	}
	return out
}

// varInAccountSegment reports whether the pattern's variables all lie in the
// account segment of an ARN (after its fourth ':', before its fifth).
func varInAccountSegment(codes []Code) bool {
	seg := 0
	for _, c := range codes {
		switch {
		case c == ':':
			seg++
		case c >= varBase && seg != 4:
			return false
		}
	}
	return true
}
