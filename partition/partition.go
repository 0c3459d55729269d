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
	"fmt"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// PrincipalKind is the kind of caller a class has.
type PrincipalKind uint8

// Principal kinds. The root user is not enumerated: identity policies cannot be
// attached to it.
const (
	UserPrincipal PrincipalKind = iota
	RoleSessionPrincipal
	FederatedPrincipal
)

// Principal is the caller of a class.
type Principal struct {
	Kind    PrincipalKind
	Account string
	Path    string // users: "" or segments each ending in "/"
	Name    string // user name, role name, or federated user name
	Session string // role sessions
}

// ARN is the principal's ARN, as requests carry it.
func (p Principal) ARN() string {
	switch p.Kind {
	case RoleSessionPrincipal:
		return "arn:aws:sts::" + p.Account + ":assumed-role/" + p.Name + "/" + p.Session
	case FederatedPrincipal:
		return "arn:aws:sts::" + p.Account + ":federated-user/" + p.Name
	}
	return "arn:aws:iam::" + p.Account + ":user/" + p.Path + p.Name
}

// derived returns the value the model derives for a principal key (lower-cased).
func (p Principal) derived(key string) (string, bool) {
	switch key {
	case "aws:principalaccount":
		return p.Account, true
	case "aws:principaltype":
		return [...]string{"User", "AssumedRole", "FederatedUser"}[p.Kind], true
	case "aws:principalarn":
		if p.Kind == RoleSessionPrincipal {
			return "arn:aws:iam::" + p.Account + ":role/" + p.Name, true
		}
		return p.ARN(), true
	case "aws:username":
		return p.Name, p.Kind == UserPrincipal
	case "aws:userid":
		return p.Account + ":" + p.Name, p.Kind == FederatedPrincipal
	}
	return "", false
}

// ActionList is an extra list of action patterns that splits action groups (a
// spec's allow-list, for example).
type ActionList struct {
	Name     string
	Patterns []string
}

// ResourcePred is an extra predicate on resources, such as "owned by another
// user". Key identifies its language (the same key must mean the same language);
// Service, if not "", is the only service whose ARNs it can contain.
type ResourcePred struct {
	Key     string
	Lang    *Lang
	Service string
}

// KeyDomain makes a context key vary in every action group, with its values
// given outright (nil: absent) besides the classes its conditions make. The
// values of such a key are never merged, so the caller's own judgement may tell
// them apart (the MFA state, for instance).
type KeyDomain struct {
	Key    string
	Values []*model.ContextValue
}

// Problem is what to partition.
type Problem struct {
	// Policies are the policies whose statements define the classes: one bundle,
	// or two bundles to compare.
	Policies []*model.Policy
	// Catalog is the AWS action catalogue.
	Catalog     *catalog.Catalog
	ActionLists []ActionList
	// Resources returns extra resource predicates for a caller.
	Resources func(Principal) []ResourcePred
	// Names and Accounts are user names and accounts that matter to the caller
	// besides those written in the policies.
	Names    []string
	Accounts []string
	Keys     []KeyDomain
	// KeepValue, if set, drops context values that need no deciding (nil v: the
	// key absent).
	KeepValue func(key string, v *model.ContextValue) bool
	// Budget bounds the product states of one automaton walk (default 100,000);
	// MaxContexts the context combinations of one action group (default 4,096).
	Budget, MaxContexts int
}

// Class is one class of requests, by its witness.
type Class struct {
	Principal Principal
	Action    string
	Resource  string
	Context   map[string]model.ContextValue
	// Group is the action group; every action of it gets the same answer.
	Group *Group
}

// Group is a set of catalogue actions that every statement and action list
// treats alike.
type Group struct {
	Actions []string
	// Statements are the statements that can apply to the group's actions, as
	// "policy/statement" indices.
	Statements [][2]int
	sig        string
	applicable []int
	templates  map[string]string // ARN template -> an action of the group that takes it; "*" for none
	rank       map[string]int    // preference of named actions (1 first)
	tplOrder   []string
}

// Coverage says what an enumeration covered.
type Coverage struct {
	Principals int
	Actions    int // catalogue actions
	Groups     int // action groups
	// Resources and Contexts count the resource classes and context
	// combinations, summed over principals and groups.
	Resources int
	Contexts  int
	// Classes is the number of classes visited (and decided by the caller).
	Classes int
	// Keys are the context keys varied, with their classes (the most in any group).
	Keys map[string]int
	// Unknown says what was not partitioned exactly; empty means every class of
	// the request space was visited.
	Unknown []string
	// Stopped is true when visit or the context ended the enumeration early.
	Stopped bool
	// GroupList lists the action groups, for reports.
	GroupList []*Group
}

// Exact reports whether every class was covered.
func (c *Coverage) Exact() bool { return len(c.Unknown) == 0 && !c.Stopped }

func (c *Coverage) unknown(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, u := range c.Unknown {
		if u == msg {
			return
		}
	}
	c.Unknown = append(c.Unknown, msg)
}

// enumerator holds the state of one Enumerate call.
type enumerator struct {
	p      *Problem
	cov    *Coverage
	stmts  []stmt
	autos  map[string]*auto
	walks  map[string]walkResult
	values map[string][]valueClass
	meets  map[[2]string]bool
	tplSvc map[string]string
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
	if p.MaxContexts <= 0 {
		p.MaxContexts = 4096
	}
	e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}, autos: map[string]*auto{},
		walks: map[string]walkResult{}, values: map[string][]valueClass{}, meets: map[[2]string]bool{}, tplSvc: map[string]string{}}
	for i, pol := range p.Policies {
		e.stmts = append(e.stmts, readPolicy(i, pol)...)
	}
	e.checkSupported()
	groups := e.groups()
	e.cov.GroupList = groups
	e.cov.Groups = len(groups)
	principals := e.principals()
	e.cov.Principals = len(principals)
	for _, pr := range principals {
		for _, g := range groups {
			if ctx.Err() != nil || !e.group(pr, g, visit) {
				e.cov.Stopped = true
				return e.cov
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
// which extra lists name them.
func (e *enumerator) groups() []*Group {
	bySig := map[string]*Group{}
	var out []*Group
	acts := e.p.Catalog.Actions()
	e.cov.Actions = len(acts)
	// A class's witness action is, where the group allows, one the caller's lists
	// or the policies name outright, in the order they name them: a report about
	// iam:GetUser reads better than one about the first action of the alphabet.
	rank := map[string]int{}
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
	sig := make([]byte, len(e.stmts)+len(e.p.ActionLists))
	for _, a := range acts {
		name := a.FullName()
		for i := range e.stmts {
			sig[i] = boolByte(e.stmts[i].matchesAction(name))
		}
		for j, l := range e.p.ActionLists {
			m := false
			for _, pt := range l.Patterns {
				if globFold(pt, name) {
					m = true
					break
				}
			}
			sig[len(e.stmts)+j] = boolByte(m)
		}
		g, ok := bySig[string(sig)]
		if !ok {
			g = &Group{sig: string(sig), templates: map[string]string{}}
			for i := range e.stmts {
				if e.stmts[i].applies(sig[i] == 1) {
					g.applicable = append(g.applicable, i)
					g.Statements = append(g.Statements, [2]int{e.stmts[i].policy, e.stmts[i].index})
				}
			}
			bySig[string(sig)] = g
			out = append(out, g)
		}
		g.Actions = append(g.Actions, name)
		r := rank[strings.ToLower(name)]
		if a.TakesNoResource() {
			g.addTemplate("*", name, r)
		}
		for _, rt := range a.ResourceTypes {
			for _, t := range rt.ARNTemplates {
				g.addTemplate(t, name, r)
			}
		}
	}
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

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// auto returns the compiled automaton of a language, by key.
func (e *enumerator) auto(key string, l func() *Lang) *auto {
	if a, ok := e.autos[key]; ok {
		return a
	}
	a := compile(l())
	e.autos[key] = a
	return a
}

// walk explores the product of automata (by key), cached.
func (e *enumerator) walk(keys []string, autos []*auto, domain int) walkResult {
	k := strings.Join(keys, "\x00") + fmt.Sprintf("\x01%d", domain)
	if w, ok := e.walks[k]; ok {
		return w
	}
	regions, complete := explore(autos, domain, e.p.Budget)

	w := walkResult{regions, complete}
	e.walks[k] = w
	return w
}

// meet reports, cached, whether two languages intersect.
func (e *enumerator) meet(ka string, a func() *auto, kb string, b *auto) bool {
	k := [2]string{ka, kb}
	if m, ok := e.meets[k]; ok {
		return m
	}
	m := intersects(a(), b)
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
	assignments := []map[string]model.ContextValue{{}}
	for _, k := range coupled {
		e.cov.unknown("variable ${%s}: its values are taken from a fixed list (absent, the caller's name, names the policy mentions, another name), not partitioned", k)
		var next []map[string]model.ContextValue
		for _, a := range assignments {
			for _, v := range e.coupledValues(pr, k) {
				m := map[string]model.ContextValue{}
				for kk, vv := range a {
					m[kk] = vv
				}
				if v != nil {
					m[k] = model.Single(*v)
				}
				next = append(next, m)
			}
		}
		assignments = next
	}
	for _, asg := range assignments {
		look := lookupIn(pr, asg)
		res := e.resourceClasses(pr, g, look)
		ctxs := e.contexts(pr, g, asg)
		e.cov.Resources += len(res)
		e.cov.Contexts += len(ctxs)
		for _, r := range res {
			for _, c := range ctxs {
				m := make(map[string]model.ContextValue, len(c)+len(asg))
				for k, v := range asg {
					m[k] = v
				}
				for k, v := range c {
					m[k] = v
				}
				e.cov.Classes++
				if !visit(&Class{Principal: pr, Action: r.action, Resource: r.resource, Context: m, Group: g}) {
					return false
				}
			}
		}
	}
	return true
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

type resClass struct {
	action, resource string
	sig              string
}

// resourcePred is a predicate of a resource walk.
type resourcePred struct {
	key     string
	service string
	lang    func() *Lang
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
		for j := range s.resources {
			pt := &s.resources[j]
			if pt.All {
				continue
			}
			codes, ok := pt.Subst(look)
			key := "res:" + codesKey(codes, ok)
			if seen[key] {
				continue
			}
			seen[key] = true
			c := codes
			if !ok {
				preds = append(preds, resourcePred{key: key, service: "\x00none", lang: Nothing})
				continue
			}
			preds = append(preds, resourcePred{key: key, service: pt.literalService(), lang: func() *Lang { return GlobLang(c, GlobResource) }})
		}
	}
	if e.p.Resources != nil {
		for _, rp := range e.p.Resources(pr) {
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
	parts := strings.SplitN(t, ":", 4)
	if len(parts) < 4 || strings.ContainsAny(parts[2], "$*{") {
		return ""
	}
	return parts[2]
}

// accountKind classifies a template's account segment: what a walk over it can
// tell about "the resource is in the caller's account".
func accountKind(t string) string {
	parts := strings.SplitN(t, ":", 6)
	if len(parts) < 6 {
		return "bad"
	}
	a := parts[4]
	switch {
	case a == "":
		return "empty"
	case isWholeVar(a) && strings.Contains(a, "Account"):
		return "account"
	}
	return "other:" + a
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
	for _, t := range g.tplOrder {
		action := g.templates[t]
		if t == "*" {
			in := make([]bool, len(preds))
			for i, p := range preds {
				in[i] = e.auto(p.key, p.lang).matches("*")
			}
			add(action, "*", in)
			continue
		}
		svc := templateService(t)
		tk := "tpl:" + t
		var ta *auto
		tauto := func() *auto {
			if ta == nil {
				ta = e.auto(tk, func() *Lang { return TemplateLang(t) })
			}
			return ta
		}
		var idx []int
		relevant := false
		for i, p := range preds {
			if i > 0 && p.service != "" && svc != "" && p.service != svc {
				continue
			}
			if i > 0 && !e.meet(tk, tauto, p.key, e.auto(p.key, p.lang)) {
				continue
			}
			idx = append(idx, i)
			if i > 0 {
				relevant = true
			}
		}
		// Templates that no pattern can reach differ only in whether their
		// resources can be in the caller's account: one walk per kind.
		if !relevant {
			k := accountKind(t)
			if generic[k] {
				continue
			}
			generic[k] = true
		}
		keys := []string{tk}
		autos := []*auto{tauto()}
		for _, i := range idx {
			keys = append(keys, preds[i].key)
			autos = append(autos, e.auto(preds[i].key, preds[i].lang))
		}
		w := e.walk(keys, autos, 0)
		if !w.complete {
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

// valueClass is one candidate value of a context key (nil: absent).
type valueClass struct {
	v *model.ContextValue
}

// contexts returns the context combinations of a group for a principal: the
// product, over the keys its applicable statements test and the caller's keys,
// of each key's classes.
func (e *enumerator) contexts(pr Principal, g *Group, asg map[string]model.ContextValue) []map[string]model.ContextValue {
	byKey := map[string][]*cond{}
	var keys []string
	for _, i := range g.applicable {
		s := &e.stmts[i]
		for j := range s.conds {
			c := &s.conds[j]
			if principalKeys[c.key] {
				continue
			}
			if _, isCoupled := asg[c.key]; isCoupled {
				continue
			}
			if _, ok := byKey[c.key]; !ok {
				keys = append(keys, c.key)
			}
			byKey[c.key] = append(byKey[c.key], c)
		}
	}
	domains := map[string]*KeyDomain{}
	for i := range e.p.Keys {
		k := strings.ToLower(e.p.Keys[i].Key)
		domains[k] = &e.p.Keys[i]
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
			byKey[k] = nil
		}
	}
	sort.Strings(keys)
	combos := []map[string]model.ContextValue{{}}
	for _, k := range keys {
		vals := e.keyValues(pr, k, byKey[k], domains[k], asg)
		if n := len(vals); n > e.cov.Keys[k] {
			e.cov.Keys[k] = n
		}
		var next []map[string]model.ContextValue
		for _, c := range combos {
			for _, v := range vals {
				if v.v == nil {
					next = append(next, c)
					continue
				}
				m := make(map[string]model.ContextValue, len(c)+1)
				for kk, vv := range c {
					m[kk] = vv
				}
				m[k] = *v.v
				next = append(next, m)
			}
		}
		if len(next) > e.p.MaxContexts {
			e.cov.unknown("context: more than %d combinations of %s in one action group; the first %d were covered", e.p.MaxContexts, strings.Join(keys, ", "), e.p.MaxContexts)
			next = next[:e.p.MaxContexts]
		}
		combos = next
	}
	return combos
}

// keyValues returns the classes of one context key.
func (e *enumerator) keyValues(pr Principal, key string, conds []*cond, dom *KeyDomain, asg map[string]model.ContextValue) []valueClass {
	singles, exact := e.singles(pr, key, conds, asg)
	if !exact {
		e.cov.unknown("context key %s: its conditions mix operator families or values this package cannot read exactly", key)
	}
	// Merge single values that every condition on the key treats alike before
	// building sets of them: a set's answer depends only on which of these
	// classes it holds. "" stays apart: set operators read [""] as empty.
	evals := e.condEvaluators(conds)
	if dom == nil && len(evals) > 0 {
		seen := map[string]bool{}
		var merged []string
		for _, s := range singles {
			v := model.Single(s)
			sig := make([]byte, len(evals)+1)
			for i, ev := range evals {
				sig[i] = boolByte(ev(pr, key, &v, asg))
			}
			sig[len(evals)] = boolByte(s == "")
			if !seen[string(sig)] {
				seen[string(sig)] = true
				merged = append(merged, s)
			}
		}
		singles = merged
	}
	var cands []*model.ContextValue
	cands = append(cands, nil)
	for _, s := range singles {
		v := model.Single(s)
		cands = append(cands, &v)
	}
	// Multi-valued: the empty set and every set of two or more classes.
	const maxSubsets = 8
	n := len(singles)
	if n > maxSubsets {
		e.cov.unknown("context key %s: %d classes of single values; sets of values were covered only up to pairs", key, n)
	}
	empty := model.Multi()
	cands = append(cands, &empty)
	if n <= maxSubsets {
		for mask := 1; mask < 1<<n; mask++ {
			if mask&(mask-1) == 0 {
				continue
			}
			var vs []string
			for i := range n {
				if mask&(1<<i) != 0 {
					vs = append(vs, singles[i])
				}
			}
			v := model.Multi(vs...)
			cands = append(cands, &v)
		}
	} else {
		for i := range n {
			for j := i + 1; j < n; j++ {
				v := model.Multi(singles[i], singles[j])
				cands = append(cands, &v)
			}
		}
	}
	if dom != nil {
		cands = append(cands, dom.Values...)
	}
	var kept []*model.ContextValue
	for _, v := range cands {
		if e.p.KeepValue == nil || e.p.KeepValue(key, v) {
			kept = append(kept, v)
		}
	}
	if dom != nil {
		// Never merged: the caller judges these values itself.
		out := make([]valueClass, 0, len(kept))
		seen := map[string]bool{}
		for _, v := range kept {
			k := ctxKey(v)
			if !seen[k] {
				seen[k] = true
				out = append(out, valueClass{v})
			}
		}
		return out
	}
	// Merge values that every condition on the key treats alike.
	seen := map[string]bool{}
	var out []valueClass
	for _, v := range kept {
		sig := make([]byte, len(evals))
		for i, ev := range evals {
			sig[i] = boolByte(ev(pr, key, v, asg))
		}
		if !seen[string(sig)] {
			seen[string(sig)] = true
			out = append(out, valueClass{v})
		}
	}
	return out
}

func ctxKey(v *model.ContextValue) string {
	if v == nil {
		return "\x00absent"
	}
	return fmt.Sprintf("%v|%q", v.Multi, v.Values)
}

// singles returns one single value per class of the key's conditions. exact is
// false when the classes are not exact (mixed families, unreadable bounds).
func (e *enumerator) singles(pr Principal, key string, conds []*cond, asg map[string]model.ContextValue) ([]string, bool) {
	fams := map[family]bool{}
	for _, c := range conds {
		if c.fam != famNull {
			fams[c.fam] = true
		}
	}
	exact := len(fams) <= 1
	if fams[famString] && fams[famARN] {
		exact = len(fams) == 2
	}
	out := []string{""}
	seen := map[string]bool{"": true}
	add := func(vs ...string) {
		for _, v := range vs {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	var bounds []string
	for _, c := range conds {
		for _, v := range c.ckey.Values {
			bounds = append(bounds, v.Text)
		}
	}
	if fams[famNull] || len(conds) == 0 {
		add("x")
	}
	if fams[famNumeric] {
		add(NumberWitnesses(bounds)...)
	}
	if fams[famDate] {
		ws, ok := DateWitnesses(bounds)
		exact = exact && ok
		add(ws...)
	}
	if fams[famIP] {
		add(IPWitnesses(bounds)...)
	}
	if fams[famBool] {
		add(BoolWitnesses()...)
	}
	if fams[famBinary] {
		add(BinaryWitnesses(bounds)...)
	}
	if fams[famString] || fams[famARN] {
		look := lookupIn(pr, asg)
		keys := []string{"nonempty"}
		autos := []*auto{e.auto("nonempty", func() *Lang { return Plus(Byte(AnyByte)) })}
		folds, cased := "", ""
		for _, c := range conds {
			if c.fam != famString && c.fam != famARN {
				continue
			}
			for j := range c.pats {
				codes, ok := c.pats[j].Subst(look)
				k := fmt.Sprintf("cond:%d:%s", c.glob, codesKey(codes, ok))
				glob := c.glob
				cs := codes
				if !ok {
					continue
				}
				keys = append(keys, k)
				autos = append(autos, e.auto(k, func() *Lang { return GlobLang(cs, glob) }))
				if glob == GlobFold {
					folds += c.pats[j].Text
				} else {
					cased += strings.ToLower(c.pats[j].Text)
				}
			}
		}
		// Unicode case folding maps the Kelvin sign to k and the long s to s: a
		// value the ASCII automata do not show.
		if strings.ContainsAny(folds, "kKsS") && strings.ContainsAny(cased, "ks") {
			exact = false
		}
		w := e.walk(keys, autos, 0)
		exact = exact && w.complete
		for _, r := range w.regions {
			add(r.Witness)
		}
	}
	return out, exact
}

// condEvaluators returns, for each condition, a function that decides it for one
// value of its key, using the model itself on a one-statement policy.
func (e *enumerator) condEvaluators(conds []*cond) []func(Principal, string, *model.ContextValue, map[string]model.ContextValue) bool {
	var out []func(Principal, string, *model.ContextValue, map[string]model.ContextValue) bool
	for _, c := range conds {
		version := ""
		if c.vars {
			version = "2012-10-17"
		}
		pol := &model.Policy{Version: version, HasVersion: version != "", Statements: []model.Statement{{
			Effect: "Allow", HasEffect: true,
			Action:    &model.StringList{Values: []string{"*"}},
			Resource:  &model.StringList{Values: []string{"*"}},
			Condition: []model.ConditionOperator{{Operator: c.opText, Keys: []model.ConditionKey{c.ckey}}},
		}}}
		b := &model.Bundle{Identity: []*model.Compiled{model.Compile(pol)}}
		out = append(out, func(pr Principal, key string, v *model.ContextValue, asg map[string]model.ContextValue) bool {
			ctx := make(map[string]model.ContextValue, len(asg)+1)
			for k, vv := range asg {
				ctx[k] = vv
			}
			if v != nil {
				ctx[key] = *v
			}
			r, err := model.NewRequest(pr.ARN(), "iam:GetUser", "*", ctx)
			if err != nil {
				return false
			}
			return model.Decide(b, r).Decision == model.Allowed
		})
	}
	return out
}
