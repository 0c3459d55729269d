package partition

import (
	"slices"
	"sort"
	"strings"
)

// Resource classes: the request resources one group of actions is partitioned into.

type resClass struct {
	action, resource string
	sig              string
}

// resourcePred is a predicate of a resource walk.
type resourcePred struct {
	key     string
	service string
	lang    func() *Lang
	// pats, for a statement's Resource or NotResource list, are its patterns:
	// the predicate is their union, which is all the statement asks of a
	// resource (docs/semantics.md §4.2). Each walk takes only the patterns that
	// can meet its template, and drops those another one already covers.
	pats []resPattern
}

// isWord reports, cached by key, whether a caller's predicate is one string
// (a literal ARN, such as a liveness rule's resource); e.words holds it.
func (e *enumerator) isWord(p *resourcePred) bool {
	if p.pats != nil {
		return false
	}
	w, ok := e.words[p.key]
	if !ok {
		w.w, w.ok = p.lang().word()
		if e.words == nil {
			e.words = map[string]word{}
		}
		e.words[p.key] = w
	}
	return w.ok
}

type word struct {
	w  string
	ok bool
}

// resPattern is one resource pattern with its variables substituted.
type resPattern struct {
	key     string
	service string
	codes   []Code
}

// resourcePreds are the predicates on resources for a principal and group: the
// resource's account is the caller's, each applicable statement's resource
// patterns, and the caller's extra predicates.
func (e *enumerator) resourcePreds(pr Principal, g *Group, look func(string) (string, bool)) []resourcePred {
	acct := pr.Account
	preds := []resourcePred{{key: "acct:" + acct, lang: func() *Lang {
		seg := Any(NotColon)
		return Seq(Lit("arn:"), seg, Lit(":"), seg, Lit(":"), seg, Lit(":"), Alt(Lit(acct), Seq()), Lit(":"), Any(AnyByte))
	}}}
	seen := map[string]bool{}
	for _, i := range g.applicable {
		s := &e.stmts[i]
		var pats []resPattern
		all := false
		for j := range s.resources {
			pt := &s.resources[j]
			if pt.All {
				all = true
				break
			}
			codes, ok := pt.Subst(look)
			if !ok {
				continue // a pattern whose variable has no value matches nothing
			}
			pats = append(pats, resPattern{key: resKey(codes), service: pt.literalService(), codes: codes})
		}
		if all || len(pats) == 0 {
			// "*" matches every resource, and no pattern none: either way the
			// statement does not divide them.
			continue
		}
		keys := make([]string, len(pats))
		for j, p := range pats {
			keys[j] = p.key
		}
		sort.Strings(keys)
		key := "stmt:" + strings.Join(keys, "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		preds = append(preds, resourcePred{key: key, pats: pats})
	}
	if e.p.Resources != nil {
		// The caller's predicates depend on the principal only: asked once
		// for each, not for each of its groups.
		extra, ok := e.extra[pr]
		if !ok {
			extra = e.p.Resources(pr)
			if e.extra == nil {
				e.extra = map[Principal][]ResourcePred{}
			}
			e.extra[pr] = extra
		}
		for _, rp := range extra {
			if seen["x:"+rp.Key] {
				continue
			}
			seen["x:"+rp.Key] = true
			l := rp.Lang
			preds = append(preds, resourcePred{key: "x:" + rp.Key, service: rp.Service, lang: func() *Lang { return l }})
		}
	}
	return preds
}

// unionFor returns the automaton of a statement predicate's patterns that can
// meet template t (service svc, automaton tauto), without those another such
// pattern includes, and its key; ok is false when none can meet t.
func (e *enumerator) unionFor(p *resourcePred, tk, svc string, tauto func() *auto) (key string, a *auto, ok bool) {
	var meet []*resPattern
	for j := range p.pats {
		rp := &p.pats[j]
		if rp.service != "" && svc != "" && rp.service != svc {
			continue
		}
		codes := rp.codes
		// A pattern's key is its codes, the same language in every enumeration.
		if !e.meet(tk, tauto, rp.key, rp.key, func() *auto { return e.auto(rp.key, func() *Lang { return GlobLang(codes, GlobResource) }) }) {
			continue
		}
		meet = append(meet, rp)
	}
	if len(meet) == 0 {
		return "", nil, false
	}
	// Drop patterns another one includes: the union is the same, and each
	// pattern left in it multiplies the states of the walk.
	dropped := make([]bool, len(meet))
	for i, pi := range meet {
		for j, pj := range meet {
			if i == j || dropped[j] || !literalPrefixOf(pj.codes, pi.codes) {
				continue
			}
			if e.includes(pi, pj) {
				dropped[i] = true
				break
			}
		}
	}
	var keys []string
	var langs []*Lang
	for i, rp := range meet {
		if !dropped[i] {
			keys = append(keys, rp.key)
			langs = append(langs, GlobLang(rp.codes, GlobResource))
		}
	}
	sort.Strings(keys)
	key = "union:" + strings.Join(keys, "\x00")
	return key, e.auto(key, func() *Lang { return Alt(langs...) }), true
}

// literalPrefixOf reports whether b's literal prefix (up to its first wildcard)
// is a prefix of a's: a necessary condition for b to include a, since a
// wildcard of a can always write a byte other than the literal b has there.
func literalPrefixOf(b, a []Code) bool {
	for i, c := range b {
		if c > 0xFF {
			return true
		}
		if i >= len(a) || a[i] != c {
			return false
		}
	}
	return len(b) <= len(a)
}

// includes reports, cached, whether every resource pattern a matches is one b
// matches.
func (e *enumerator) includes(a, b *resPattern) bool {
	k := [2]string{a.key, b.key}
	if v, ok := e.incl[k]; ok {
		return v
	}
	ac, bc := a.codes, b.codes
	v := includes(e.auto(a.key, func() *Lang { return GlobLang(ac, GlobResource) }), e.auto(b.key, func() *Lang { return GlobLang(bc, GlobResource) }))
	e.incl[k] = v
	return v
}

// resKey is the automaton key of GlobLang(codes, GlobResource): the walks
// over resources, over callers' names (namesplit.go) and over their paths
// (pathsplit.go) share it, as they share "x:"+key for a caller's predicate,
// instead of compiling one language under three keys.
func resKey(codes []Code) string { return "res:" + codesKey(codes, true) }

func codesKey(codes []Code, ok bool) string {
	if !ok {
		return "\x00missing"
	}
	b := make([]byte, 0, 2*len(codes))
	for _, c := range codes {
		b = append(b, byte(c), byte(c>>8))
	}
	return string(b)
}

// templateService is the literal service segment of a catalogue ARN template.
func templateService(t string) string {
	svc, ok := arnField(t, 2, 4)
	if !ok || strings.ContainsAny(svc, "$*{") {
		return ""
	}
	return svc
}

// arnField is strings.SplitN(t, ":", n)[i] (i < n-1), without the slice:
// ok is false when SplitN gives fewer than n parts. A grouping asks it of
// every template of every group (issue 15: the first proof of a process).
func arnField(t string, i, n int) (string, bool) {
	start, f := 0, ""
	for k := 0; k < n-1; k++ {
		j := strings.IndexByte(t[start:], ':')
		if j < 0 {
			return "", false
		}
		if k == i {
			f = t[start : start+j]
		}
		start += j + 1
	}
	return f, true
}

// accountKind classifies a template's account segment: what a walk over it can
// tell about "the resource is in the caller's account".
func accountKind(t string) string {
	a, ok := arnField(t, 4, 6)
	if !ok {
		return "bad"
	}
	switch {
	case a == "":
		return "empty"
	case isWholeVar(a) && strings.Contains(a, "Account"):
		return "account"
	}
	return "other:" + a
}

// predBuckets sorts a walk's predicates by the only service whose resources
// they can hold: a template of service s can meet those of s and those of
// none in particular (any), never those of another service.
type predBuckets struct {
	all, any []int
	bySvc    map[string][]int
}

func bucketPreds(preds []resourcePred) predBuckets {
	b := predBuckets{bySvc: map[string][]int{}}
	for i := range preds {
		b.all = append(b.all, i)
		if svc := preds[i].onlyService(); svc != "" {
			b.bySvc[svc] = append(b.bySvc[svc], i)
		} else {
			b.any = append(b.any, i)
		}
	}
	return b
}

// onlyService is the one service whose resources p can hold, or "" if none
// in particular: a statement's is its patterns' literal service when they
// all have the same.
func (p *resourcePred) onlyService() string {
	if p.pats == nil {
		return p.service
	}
	svc := ""
	for i, rp := range p.pats {
		if rp.service == "" || (i > 0 && rp.service != svc) {
			return ""
		}
		svc = rp.service
	}
	return svc
}

// of appends to out, in order, the predicates a template of service svc
// ("": any) can meet, as far as services tell.
func (b *predBuckets) of(svc string, out []int) []int {
	if svc == "" {
		return append(out, b.all...)
	}
	x, y := b.any, b.bySvc[svc]
	for len(x) > 0 || len(y) > 0 {
		if len(y) == 0 || (len(x) > 0 && x[0] < y[0]) {
			out, x = append(out, x[0]), x[1:]
		} else {
			out, y = append(out, y[0]), y[1:]
		}
	}
	return out
}

// templateOrderOn is false only in a test that compares the classes with and
// without templateOrder.
var templateOrderOn = true

// indexTemplates fills the group's template indices by service and kind.
func (g *Group) indexTemplates() {
	g.tplBySvc, g.tplByKind = map[string][]int32{}, map[string][]int32{}
	for i := range g.tpls {
		tp := &g.tpls[i]
		if tp.service == "" {
			g.tplAnySvc = append(g.tplAnySvc, int32(i))
		} else {
			g.tplBySvc[tp.service] = append(g.tplBySvc[tp.service], int32(i))
		}
		g.tplByKind[tp.acctKind] = append(g.tplByKind[tp.acctKind], int32(i))
	}
}

// templateOrder returns, in order, the only templates of the group whose
// walks resourceClasses needs when the one predicate of no particular service
// is the caller's account (b.any is preds[0]): those of no literal service,
// those of a service some predicate names, and for each account kind the
// first of the others, which take only that predicate and so share one
// generic walk per kind (the rest of the group's templates, most of the
// catalogue for a group of unnamed actions, would each look at the predicates
// only to find that walk done). nil means every template.
func templateOrder(g *Group, b *predBuckets) []int32 {
	if !templateOrderOn || len(b.any) != 1 || g.tplBySvc == nil {
		return nil
	}
	out := append([]int32(nil), g.tplAnySvc...)
	for svc := range b.bySvc {
		out = append(out, g.tplBySvc[svc]...)
	}
	for _, list := range g.tplByKind {
		for _, i := range list {
			if svc := g.tpls[i].service; svc != "" && b.bySvc[svc] == nil {
				out = append(out, i)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// resourceClasses finds one (action, resource) witness per class of resources
// for the group: the regions of the resource predicates within the resource
// types of the group's actions.
func (e *enumerator) resourceClasses(pr Principal, g *Group, look func(string) (string, bool)) []resClass {
	preds := e.resourcePreds(pr, g, look)
	seen := map[string]bool{}
	var out []resClass
	add := func(action, res string, in []bool) {
		sig := make([]byte, len(in))
		for i, b := range in {
			sig[i] = boolByte(b)
		}
		if !seen[string(sig)] {
			seen[string(sig)] = true
			out = append(out, resClass{action: action, resource: res, sig: string(sig)})
		}
	}
	generic := map[string]bool{}
	// Most templates are of a service no predicate names: only the
	// predicates that can hold its resources are looked at.
	svcPreds := bucketPreds(preds)
	var cand []int
	// The walk's automata and their keys, reused from template to template:
	// the template's own come first, set just before the walk.
	idx, keys, autos := make([]int, 0, len(preds)), make([]string, 1, len(preds)+1), make([]*auto, 1, len(preds)+1)
	order := templateOrder(g, &svcPreds)
	for oi := range len(g.tpls) {
		ti := oi
		if order != nil {
			if oi >= len(order) {
				break
			}
			ti = int(order[oi])
		}
		tp := &g.tpls[ti]
		t, action := tp.text, tp.action
		if t == "*" {
			in := make([]bool, len(preds))
			for i, p := range preds {
				if p.pats == nil {
					in[i] = e.auto(p.key, p.lang).matches("*")
					continue
				}
				for _, rp := range p.pats {
					codes := rp.codes
					if e.auto(rp.key, func() *Lang { return GlobLang(codes, GlobResource) }).matches("*") {
						in[i] = true
						break
					}
				}
			}
			add(action, "*", in)
			continue
		}
		svc, tk := tp.service, tp.key
		var ta *auto
		tauto := func() *auto {
			if ta == nil {
				ta = e.auto(tk, func() *Lang { return TemplateLang(t) })
			}
			return ta
		}
		idx, keys, autos = idx[:0], keys[:1], autos[:1]
		relevant := false
		cand = svcPreds.of(svc, cand[:0])
		for _, i := range cand {
			p := &preds[i]
			key, a := p.key, (*auto)(nil)
			switch {
			case i == 0:
				a = e.auto(p.key, p.lang)
			case p.pats != nil:
				var ok bool
				if key, a, ok = e.unionFor(p, tk, svc, tauto); !ok {
					continue
				}
			case p.service != "" && svc != "" && p.service != svc:
				continue
			case e.isWord(p):
				// A single string meets the template exactly when the
				// template's automaton accepts it: no product to explore.
				if !e.meetWord(tk, tauto, p.key, e.words[p.key].w) {
					continue
				}
				a = e.auto(p.key, p.lang)
			default:
				if !e.meet(tk, tauto, p.key, e.shape(p), func() *auto { return e.auto(p.key, p.lang) }) {
					continue
				}
				a = e.auto(p.key, p.lang)
			}
			idx = append(idx, i)
			keys = append(keys, key)
			autos = append(autos, a)
			if i > 0 {
				relevant = true
			}
		}
		// Templates that no pattern can reach differ only in whether their
		// resources can be in the caller's account: one walk per kind.
		if !relevant {
			k := tp.acctKind
			if generic[k] {
				continue
			}
			generic[k] = true
		}
		keys[0], autos[0] = tk, tauto()
		w := e.walk(keys, autos, 0)
		switch {
		case e.exhausted:
			e.cov.unknown("resource: the walks of this enumeration spent their total budget of %d states; the last, over %s and the policies' resource patterns, did not finish", e.p.TotalBudget, t)
			return out
		case !w.complete:
			e.cov.unknown("resource: the walk over %s and the policies' resource patterns stopped at its budget of %d states", t, e.p.Budget)
		}
		for j, r := range w.regions {
			if plantedBug && j > 0 {
				break // the planted bug: classes go missing
			}
			in := make([]bool, len(preds))
			for j, i := range idx {
				in[i] = r.In[j+1]
			}
			add(action, r.Witness, in)
		}
	}
	return out
}
