package partition

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// Context classes: the values of the condition keys a group's statements test.

// valueClass is one candidate value of a context key (nil: absent).
type valueClass struct {
	v *model.ContextValue
}

// contexts returns the context combinations of a group for a principal: the
// product, over the keys its applicable statements test and the caller's keys,
// of each key's classes.
//
// Without coupled keys the combinations depend on the principal only through
// conditions on principal keys and policy variables: otherwise they are worked
// out once per group and shared by its principals (issue 15: every principal
// compiled and decided the same conditions again).
func (e *enumerator) contexts(pr Principal, g *Group, asg map[string]model.ContextValue) []map[string]model.ContextValue {
	if len(asg) > 0 {
		return e.computeContexts(pr, g, asg)
	}
	k := ctxCacheKey{g: g}
	if e.contextsReadPrincipal(g) {
		k.pr = pr
	}
	if c, ok := e.ctxCache[k]; ok {
		return c
	}
	c := e.computeContexts(pr, g, asg)
	if e.ctxCache == nil {
		e.ctxCache = map[ctxCacheKey][]map[string]model.ContextValue{}
	}
	e.ctxCache[k] = c
	return c
}

type ctxCacheKey struct {
	g  *Group
	pr Principal
}

// contextsReadPrincipal reports whether a condition of the group's statements
// tests a principal key or writes a policy variable: then its classes may
// differ from caller to caller.
func (e *enumerator) contextsReadPrincipal(g *Group) bool {
	for _, i := range g.applicable {
		for j := range e.stmts[i].conds {
			c := &e.stmts[i].conds[j]
			if principalKeys[c.key] {
				return true
			}
			for k := range c.pats {
				if len(c.pats[k].Vars) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// computeContexts is contexts without the cache.
func (e *enumerator) computeContexts(pr Principal, g *Group, asg map[string]model.ContextValue) []map[string]model.ContextValue {
	byKey := map[string][]*cond{}
	var keys []string
	for _, i := range g.applicable {
		s := &e.stmts[i]
		for j := range s.conds {
			c := &s.conds[j]
			if principalKeys[c.key] && !freeUserID(pr, c.key) {
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
	if _, ok := byKey[keyUserID]; ok && e.usesVar(g, keyUserID) {
		// The variable is read from the principal (absent for this caller)
		// while the conditions see the context's value: the classes would
		// not agree with each other.
		e.cov.unknown("principal: aws:userid is both tested by a condition and written as ${aws:userid}")
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
		var vals []valueClass
		if freeUserID(pr, k) {
			vals = e.userIDValues(pr, byKey[k], asg)
		} else {
			vals = e.keyValues(pr, k, byKey[k], domains[k], asg)
		}
		if n := len(vals); n > e.cov.Keys[k] {
			e.cov.setKey(k, n)
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
		if e.exhausted {
			e.cov.unknown("context key %s: the walks of this enumeration spent their total budget of %d states", key, e.p.TotalBudget)
		}
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

// keyUserID is the lower-cased aws:userid.
const keyUserID = "aws:userid"

// freeUserID reports whether key is aws:userid for an IAM user. A user's unique
// ID is not part of its ARN (docs/semantics.md §6.1): the model makes one up
// from the ARN unless the request gives one (§13, derived-unique-id), so the
// proof divides the key like a context key over the language of unique IDs
// (userIDValues). Role sessions and federated users keep the derived value and
// their aws:userid conditions leave the proof unknown (principals).
func freeUserID(pr Principal, key string) bool {
	return key == keyUserID && pr.Kind == UserPrincipal
}

// userIDValues returns the classes of an IAM user's aws:userid: the derived
// value (nil: the request gives none) and one AIDA-shaped unique ID per region
// that the String and ARN conditions on the key make of the unique IDs. Every
// request of a user carries some such ID, so these cover the key; a condition
// of another family, or a value with a variable the caller cannot fill, leaves
// the proof unknown.
func (e *enumerator) userIDValues(pr Principal, conds []*cond, asg map[string]model.ContextValue) []valueClass {
	keys := []string{"uid:user"}
	autos := []*auto{e.auto("uid:user", func() *Lang {
		return Seq(Lit(model.UserIDPrefix), Between(Byte(Range('A', 'Z').Union(Digits)), model.UniqueIDTail, model.UniqueIDTail))
	})}
	look := lookupIn(pr, asg)
	for _, c := range conds {
		switch c.fam {
		case famNull:
			continue
		case famString, famARN:
		default:
			e.cov.unknown("principal: aws:userid is tested with %s, which the partition does not divide", c.opText)
			continue
		}
		for j := range c.pats {
			codes, ok := c.pats[j].Subst(look)
			if !ok {
				e.cov.unknown("principal: a policy variable without a value in an aws:userid condition value")
				continue
			}
			k := fmt.Sprintf("cond:%d:%s", c.glob, codesKey(codes, ok))
			glob := c.glob
			keys = append(keys, k)
			autos = append(autos, e.auto(k, func() *Lang { return GlobLang(codes, glob) }))
		}
	}
	w := e.walk(keys, autos, 0)
	if !w.complete {
		e.cov.unknown("principal: the walk over aws:userid values stopped at its budget")
	}
	// The drawn IDs first: a counterexample then shows the ID it needs.
	var out []valueClass
	for _, r := range w.regions {
		v := model.Single(r.Witness)
		out = append(out, valueClass{&v})
	}
	return append(out, valueClass{nil})
}

// usesVar reports whether a statement applicable to the group writes ${key}
// in a resource or a condition value.
func (e *enumerator) usesVar(g *Group, key string) bool {
	for _, i := range g.applicable {
		s := &e.stmts[i]
		pats := []*Pattern{}
		for j := range s.resources {
			pats = append(pats, &s.resources[j])
		}
		for _, c := range s.conds {
			for j := range c.pats {
				pats = append(pats, &c.pats[j])
			}
		}
		for _, p := range pats {
			for _, v := range p.Vars {
				if v.Key == key {
					return true
				}
			}
		}
	}
	return false
}
