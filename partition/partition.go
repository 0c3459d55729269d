// Package partition divides the space of requests into finitely many classes such
// that every request of one class gets the same answer from every statement of a
// set of policies (and from every extra predicate a caller adds, such as a spec's
// allow-list or owned resources), and gives each class a concrete witness.
// Deciding one witness per class then decides them all: that is what turns a
// check into a proof.
//
// Strings are partitioned exactly by the regions of the patterns' Venn diagram,
// found by a breadth-first walk over the product of the patterns' automata;
// numbers, dates and addresses by the edges of every bound and block; actions by
// which statements' patterns match them, over the whole AWS action catalogue.
// Whatever the package cannot partition exactly (an unknown operator, a budget
// that ran out, a policy variable whose value comes from the request's context) is
// listed in Coverage.Unknown: a caller must then not claim a proof.
// docs/architecture.md describes where the package sits.
package partition

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// enumerator holds the state of one Enumerate call.
type enumerator struct {
	p      *Problem
	cov    *Coverage
	stmts  []stmt
	autos  map[string]*auto
	walks  map[string]walkResult
	values map[string][]valueClass
	meets  map[[2]string]bool
	incl   map[[2]string]bool
	tplSvc map[string]string
	words  map[string]word   // resource predicates of one string, by key
	shapes map[string]string // caller predicates' langKey, by key ("": none)
	extra  map[Principal][]ResourcePred
	// byLang are the enumeration's automata by their expression's key, taken
	// from the process's pool or compiled (taken lists them), and keyBuf the
	// storage their keys are encoded in (autocache.go).
	byLang map[string]*auto
	taken  []*auto
	keyBuf []byte
	// classBlock is storage for the classes visit gets.
	classBlock []Class
	// ctxCache holds contexts' combinations by group (and principal, when
	// they depend on it).
	ctxCache map[ctxCacheKey][]map[string]model.ContextValue
	// nameList caches names().
	nameList []string
	// spent counts the product states of all walks so far; exhausted is set
	// when a walk stopped at what was left of Problem.TotalBudget.
	spent     int
	exhausted bool
}

type walkResult struct {
	regions  []Region
	complete bool
}

// Enumerate visits one witness of every class. visit returns false to stop.
func Enumerate(ctx context.Context, p *Problem, visit func(*Class) bool) *Coverage {
	if p.Budget <= 0 {
		p.Budget = 100000
	}
	if p.TotalBudget <= 0 {
		p.TotalBudget = 1000000
	}
	if p.MaxContexts <= 0 {
		p.MaxContexts = 4096
	}
	if p.MaxAssignments <= 0 {
		p.MaxAssignments = 256
	}
	if p.MaxClasses <= 0 {
		p.MaxClasses = 1000000
	}
	e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}, autos: map[string]*auto{},
		walks: map[string]walkResult{}, values: map[string][]valueClass{}, meets: map[[2]string]bool{}, incl: map[[2]string]bool{}, tplSvc: map[string]string{}}
	defer e.release()
	for i, pol := range p.Policies {
		e.stmts = append(e.stmts, readPolicy(i, pol)...)
	}
	e.checkSupported()
	groups := e.groups()
	e.cov.GroupList = groups
	e.cov.Groups = len(groups)
	principals := e.principals()
	e.cov.Principals = len(principals)
	if e.exhausted {
		return e.cov
	}
	order := groups
	if p.NamedFirst {
		order = namedFirst(groups)
	}
	for _, pr := range principals {
		for _, g := range order {
			if ctx.Err() != nil || !e.group(pr, g, visit) {
				e.cov.Stopped = true
				return e.cov
			}
			if e.exhausted {
				return e.cov // Coverage.Unknown says which walk spent the budget
			}
		}
	}
	return e.cov
}

// checkSupported lists what the partition cannot treat exactly.
func (e *enumerator) checkSupported() {
	for _, s := range e.stmts {
		if s.principal {
			e.cov.unknown("principal: statement %d of policy %d has a Principal element, which the partition does not divide", s.index, s.policy)
		}
		for _, c := range s.conds {
			if c.fam == famUnknown {
				e.cov.unknown("condition key %s: operator %s is not one the partition knows", c.ckey.Key, c.opText)
			}
			for _, pt := range c.pats {
				if hasNonASCII(pt.Text) {
					e.cov.unknown("condition key %s: a value with non-ASCII characters", c.ckey.Key)
				}
			}
		}
		for _, r := range s.resources {
			if hasNonASCII(r.Text) {
				e.cov.unknown("resource: pattern %q has non-ASCII characters", r.Text)
			}
		}
	}
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// groups divides the catalogue's actions by which statements' action lists and
// which extra lists name them. The grouping depends only on the statements'
// action patterns and the lists, so it is cached by them (groupcache.go).
func (e *enumerator) groups() []*Group {
	x := indexOf(e.p.Catalog)
	e.cov.Actions = len(x.acts)
	key := groupingKey(e.stmts, e.p.ActionLists)
	if gs, ok := x.grouping(key); ok {
		return gs
	}
	gs := e.computeGroups(x)
	x.keepGrouping(key, gs)
	return gs
}

// groupInputs returns what a grouping is made from: the ranks of the actions
// the extra lists and the policies name outright (from 1, in the order they
// name them; lower-cased), and per statement, then per list, the set of the
// catalogue's actions it matches.
func (e *enumerator) groupInputs(x *actionIndex) (rank map[string]int, sets [][]uint64) {
	// A class's witness action is, where the group allows, one the caller's lists
	// or the policies name outright, in the order they name them: a report about
	// iam:GetUser reads better than one about the first action of the alphabet.
	rank = map[string]int{}
	named := func(list []string) {
		for _, a := range list {
			if k := strings.ToLower(a); !strings.ContainsAny(a, "*?") {
				if _, ok := rank[k]; !ok {
					rank[k] = len(rank) + 1
				}
			}
		}
	}
	for _, l := range e.p.ActionLists {
		named(l.Patterns)
	}
	for i := range e.stmts {
		named(e.stmts[i].actions)
	}
	// Which statements and lists match each action, from the catalogue's
	// per-pattern match sets (actionindex.go), shared by every enumeration.
	sets = make([][]uint64, 0, len(e.stmts)+len(e.p.ActionLists))
	for i := range e.stmts {
		sets = append(sets, x.union(e.stmts[i].actions))
	}
	for _, l := range e.p.ActionLists {
		sets = append(sets, x.union(l.Patterns))
	}
	return rank, sets
}

// computeGroups makes the grouping groups returns.
func (e *enumerator) computeGroups(x *actionIndex) []*Group {
	bySig := map[string]int{} // index in out
	var out []*Group
	rank, sets := e.groupInputs(x)
	var ranks []int32
	if len(rank) > 0 {
		ranks = make([]int32, len(x.acts))
		for i, r := range x.ranks(rank) {
			ranks[i] = int32(r)
		}
	}
	sig := make([]byte, len(sets))
	var g *Group
	// Each action's group, by index in out: the groups' action lists are cut
	// from one slice once their sizes are known (appending them one by one
	// was the first proof's largest allocation, issue 15).
	of, gi := make([]int32, len(x.acts)), int32(-1)
	var sizes []int
	// Per group, the resource types of the last action whose templates it
	// took: an action with the same templates (by identity: the catalogue
	// shares a service's template lists) and no rank adds nothing.
	var last [][]catalog.ResourceType
	var change uint64
	for ai, a := range x.acts {
		name := x.names[ai]
		// Neighbours in the catalogue (one service's actions) mostly share
		// their group: the signature is read and the map asked only for an
		// action that some set tells apart from the one before.
		if ai%64 == 0 {
			change = changes(sets, ai/64)
		}
		if g == nil || change&(1<<(ai%64)) != 0 {
			for i, set := range sets {
				sig[i] = boolByte(hasBit(set, ai))
			}
			if k, ok := bySig[string(sig)]; ok {
				g, gi = out[k], int32(k)
			} else {
				g = e.newGroup(sig)
				gi = int32(len(out))
				bySig[string(sig)] = len(out)
				out = append(out, g)
				sizes = append(sizes, 0)
				last = append(last, nil)
			}
		}
		of[ai] = gi
		sizes[gi]++
		r := 0
		if ranks != nil {
			r = int(ranks[ai])
		}
		if r == 0 && last[gi] != nil && sameTemplates(last[gi], a.ResourceTypes) {
			continue
		}
		last[gi] = a.ResourceTypes
		if last[gi] == nil {
			last[gi] = []catalog.ResourceType{}
		}
		if a.TakesNoResource() {
			g.addTemplate("*", name, r)
		}
		for _, rt := range a.ResourceTypes {
			for _, t := range rt.ARNTemplates {
				g.addTemplate(t, name, r)
			}
		}
	}
	names := make([]string, 0, len(x.acts))
	for i, g := range out {
		g.Actions, names = names[:0:sizes[i]], names[sizes[i]:sizes[i]:cap(names)]
	}
	for ai, k := range of {
		out[k].Actions = append(out[k].Actions, x.names[ai])
	}
	for _, g := range out {
		g.finishTemplates()
	}
	return out
}

// newGroup makes the group of the actions with signature sig (whether each
// statement, then each list, matches them), with the statements that apply
// to them; its actions and templates are added after.
func (e *enumerator) newGroup(sig []byte) *Group {
	g := &Group{sig: string(sig), templates: map[string]string{}}
	for i := range e.stmts {
		if e.stmts[i].applies(sig[i] == 1) {
			g.applicable = append(g.applicable, i)
			g.Statements = append(g.Statements, [2]int{e.stmts[i].policy, e.stmts[i].index})
		}
	}
	return g
}

// finishTemplates reads what the enumeration needs of each of the group's
// templates, once every action's are added.
func (g *Group) finishTemplates() {
	g.tpls = make([]tplInfo, len(g.tplOrder))
	for i, t := range g.tplOrder {
		g.tpls[i] = tplInfo{text: t, action: g.templates[t], key: "tpl:" + t, service: templateService(t), acctKind: accountKind(t)}
	}
	g.indexTemplates()
}

// namedFirst orders the groups that hold an action the policies or the extra
// lists name outright first (by their best rank), the rest after in catalogue
// order: a violation is most likely where a statement or a spec rule points,
// and an enumeration that stops at the first one gets there sooner (issue 10).
// The set of groups, hence of classes, is the same.
func namedFirst(groups []*Group) []*Group {
	best := func(g *Group) int {
		b := 0
		for _, r := range g.rank {
			if b == 0 || r < b {
				b = r
			}
		}
		return b
	}
	out := append([]*Group(nil), groups...)
	sort.SliceStable(out, func(i, j int) bool {
		bi, bj := best(out[i]), best(out[j])
		return bi != 0 && (bj == 0 || bi < bj)
	})
	return out
}

func (g *Group) addTemplate(t, action string, rank int) {
	old, ok := g.templates[t]
	switch {
	case !ok:
		g.tplOrder = append(g.tplOrder, t)
	case rank == 0 || (g.rank[old] != 0 && g.rank[old] <= rank):
		return
	}
	g.templates[t] = action
	if rank != 0 {
		if g.rank == nil {
			g.rank = map[string]int{}
		}
		g.rank[action] = rank
	}
}

// changes returns, for the 64 actions of word w, which differ from the
// action before them in some set: bit k for action w*64+k.
func changes(sets [][]uint64, w int) uint64 {
	var c uint64
	for _, set := range sets {
		cur, carry := set[w], uint64(0)
		if w > 0 {
			carry = set[w-1] >> 63
		}
		c |= cur ^ (cur<<1 | carry)
	}
	return c
}

// sameTemplates reports whether two actions' resource types list the same
// templates (the same lists, by identity), so that adding the second's to a
// group that has the first's changes nothing unless it ranks better.
func sameTemplates(a, b []catalog.ResourceType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i].ARNTemplates, b[i].ARNTemplates
		if len(x) != len(y) || len(x) > 0 && &x[0] != &y[0] {
			return false
		}
	}
	return true
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// walk explores the product of automata (by key), cached: by the
// enumeration under its keys, and by the process under the automata's
// expressions when the walk finished within its budget (walkcache.go).
func (e *enumerator) walk(keys []string, autos []*auto, domain int) walkResult {
	k := strings.Join(keys, "\x00") + "\x01" + strconv.Itoa(domain)
	if w, ok := e.walks[k]; ok {
		return w
	}
	budget := min(e.p.Budget, e.p.TotalBudget-e.spent)
	lk, keyed := e.walkKey(autos, domain)
	sw, shared := sharedWalk(lk, keyed, budget)
	if !shared {
		var stopped bool
		sw.regions, sw.complete, sw.states, stopped = exploreStop(autos, domain, budget)
		if keyed && !stopped {
			keepWalk(string(lk), sw)
		}
	}
	e.spent += sw.states
	if !sw.complete && budget < e.p.Budget {
		e.exhausted = true
	}

	w := walkResult{sw.regions, sw.complete}
	e.walks[k] = w
	return w
}

// meet reports, cached, whether two languages intersect. ka names a's
// language in every enumeration (a template's key); sb, if not "", names b's
// the same way (meetcache.go), and the answer is then shared by every
// enumeration of the process.
func (e *enumerator) meet(ka string, a func() *auto, kb, sb string, b func() *auto) bool {
	k := [2]string{ka, kb}
	if m, ok := e.meets[k]; ok {
		return m
	}
	m, shared := false, false
	if sb != "" {
		m, shared = sharedMeet(ka, sb)
	}
	if !shared {
		m = intersects(a(), b())
		if sb != "" {
			keepMeet(ka, sb, m)
		}
	}
	e.meets[k] = m
	return m
}

// meetWord is meet for a language of the one string w: whether a accepts it.
func (e *enumerator) meetWord(ka string, a func() *auto, kb, w string) bool {
	k := [2]string{ka, kb}
	if m, ok := e.meets[k]; ok {
		return m
	}
	m := a().matches(w)
	e.meets[k] = m
	return m
}

// lookupIn returns a variable lookup for a principal and context.
func lookupIn(pr Principal, ctx map[string]model.ContextValue) func(string) (string, bool) {
	return func(key string) (string, bool) {
		if v, ok := ctx[key]; ok {
			if v.Multi || len(v.Values) != 1 {
				return "", false
			}
			return v.Values[0], true
		}
		return pr.derived(key)
	}
}

// group visits the classes of one principal and one action group.
func (e *enumerator) group(pr Principal, g *Group, visit func(*Class) bool) bool {
	// Keys referenced by policy variables outside the principal's own are coupled
	// to the resource and the conditions: their values are enumerated first.
	coupled := e.coupledKeys(g)
	assignments := e.assignments(pr, coupled)
	for _, asg := range assignments {
		look := lookupIn(pr, asg)
		res := e.resourceClasses(pr, g, look)
		if e.exhausted {
			return true
		}
		ctxs := e.contexts(pr, g, asg)
		e.cov.Resources += len(res)
		e.cov.Contexts += len(ctxs)
		// The class's context is the combination with the coupled keys'
		// values, if any: made once per combination and shared by the
		// classes of every resource (Class.Context: read only).
		if len(asg) > 0 {
			merged := make([]map[string]model.ContextValue, len(ctxs))
			for i, c := range ctxs {
				m := make(map[string]model.ContextValue, len(c)+len(asg))
				for k, v := range asg {
					m[k] = v
				}
				for k, v := range c {
					m[k] = v
				}
				merged[i] = m
			}
			ctxs = merged
		}
		if pr.Kind == RoleSessionPrincipal && pr.Path != "" && !plantedRolePathBug {
			ctxs = withRoleARN(ctxs, pr)
		}
		for _, r := range res {
			for _, m := range ctxs {
				if e.cov.Classes >= e.p.MaxClasses {
					e.cov.unknown("classes: the enumeration stopped at its budget of %d classes; those were decided", e.p.MaxClasses)
					e.exhausted = true
					return true
				}
				e.cov.Classes++
				// Each visit gets a Class of its own, carved from a block:
				// one allocation per class (5,238 of the 70 k of a proof of
				// AWS's example).
				if len(e.classBlock) == 0 {
					e.classBlock = make([]Class, 64)
				}
				c := &e.classBlock[0]
				e.classBlock = e.classBlock[1:]
				*c = Class{Principal: pr, Action: r.action, Resource: r.resource, Context: m, Group: g, at: e.cov.mark()}
				if !visit(c) {
					return false
				}
			}
		}
	}
	return true
}

// withRoleARN gives the contexts of a session of a role with a path that
// role's ARN as aws:PrincipalArn: the model derives a session's from its
// assumed-role ARN, which has no path (docs/eval-format.md), so a request must
// carry it, as AWS's does (rolepath.go).
func withRoleARN(ctxs []map[string]model.ContextValue, pr Principal) []map[string]model.ContextValue {
	arn := model.Single(pr.RoleARN())
	out := make([]map[string]model.ContextValue, len(ctxs))
	for i, c := range ctxs {
		m := make(map[string]model.ContextValue, len(c)+1)
		for k, v := range c {
			m[k] = v
		}
		m[keyPrincipalARN] = arn
		out[i] = m
	}
	return out
}

// assignments are the values tried together for a group's coupled keys: every
// combination of the keys' fixed lists (coupledValues), or, when there are more
// than Problem.MaxAssignments, those where every key takes the same value and
// then those where one key takes each value and the others are absent, up to
// MaxAssignments. The keys are not partitioned either way (their unknown is
// noted); the bound keeps a group whose statements read five variables from
// building 30^5 combinations (SageMakerStudioProjectUserRolePolicy ran out of
// memory; docs/performance.md, the managed corpus).
func (e *enumerator) assignments(pr Principal, coupled []string) []map[string]model.ContextValue {
	out := []map[string]model.ContextValue{{}}
	if len(coupled) == 0 {
		return out
	}
	for _, k := range coupled {
		e.cov.unknown("variable ${%s}: its values are taken from a fixed list (absent, the caller's name, names the policy mentions, another name), not partitioned", k)
	}
	vals := e.coupledValues(pr, coupled[0]) // the same list for every key
	total := 1
	for range coupled {
		total *= len(vals)
		if total > e.p.MaxAssignments {
			break
		}
	}
	if total <= e.p.MaxAssignments {
		for _, k := range coupled {
			var next []map[string]model.ContextValue
			for _, a := range out {
				for _, v := range vals {
					m := make(map[string]model.ContextValue, len(a)+1)
					for kk, vv := range a {
						m[kk] = vv
					}
					if v != nil {
						m[k] = model.Single(*v)
					}
					next = append(next, m)
				}
			}
			out = next
		}
		return out
	}
	out = out[:0]
	for _, v := range vals {
		m := map[string]model.ContextValue{}
		if v != nil {
			for _, k := range coupled {
				m[k] = model.Single(*v)
			}
		}
		out = append(out, m)
	}
	for _, k := range coupled {
		for _, v := range vals {
			if v != nil && len(out) < e.p.MaxAssignments {
				out = append(out, map[string]model.ContextValue{k: model.Single(*v)})
			}
		}
	}
	out = out[:min(len(out), e.p.MaxAssignments)]
	e.cov.unknown("variables ${%s}: more than %d combinations of their values; %d were tried (every key the same value, then each key alone)", strings.Join(coupled, "}, ${"), e.p.MaxAssignments, len(out))
	return out
}

// coupledKeys are the non-principal context keys that policy variables of the
// group's statements read.
func (e *enumerator) coupledKeys(g *Group) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p *Pattern) {
		for _, v := range p.Vars {
			if !principalKeys[v.Key] && !seen[v.Key] {
				seen[v.Key] = true
				out = append(out, v.Key)
			}
		}
	}
	for _, i := range g.applicable {
		s := &e.stmts[i]
		for j := range s.resources {
			add(&s.resources[j])
		}
		for _, c := range s.conds {
			for j := range c.pats {
				add(&c.pats[j])
			}
		}
	}
	sort.Strings(out)
	return out
}

// coupledValues are the values tried for a coupled key: absent, the caller's
// name, the names the policies and the caller mention, variable defaults, and a
// name nobody mentions.
func (e *enumerator) coupledValues(pr Principal, key string) []*string {
	seen := map[string]bool{}
	var out []*string
	out = append(out, nil)
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, &s)
		}
	}
	add(pr.Name)
	add("zz-other")
	for _, n := range e.names() {
		add(n)
	}
	return out
}
