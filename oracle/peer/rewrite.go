package peer

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// The rewrite engine: a case whose policies are editable JSON trees, the search
// for the smallest set of emulations that explains the peer's answer, and the
// helpers the emulations share for editing Condition blocks.

// explainByEmulation searches the smallest set of emulations (each of which
// changes the case) after which the model decides the case as the peer did.
func explainByEmulation(c *model.Case, want string) string {
	base, err := newRewriteCase(c)
	if err != nil {
		return ""
	}
	// Which emulations change the case, applied in order after the earlier ones
	// (the NotResource rule only bites once variables are variables)? Only those
	// are tried.
	var useful []int
	all := base.clone()
	for i, e := range emulations {
		next := all.clone()
		if e.apply(next) {
			useful = append(useful, i)
			all = next
		}
	}
	for size := 1; size <= min(maxEmulations, len(useful)); size++ {
		var found string
		combinations(len(useful), size, func(pick []int) bool {
			rc := base.clone()
			for _, k := range pick {
				if !emulations[useful[k]].apply(rc) {
					return false // every emulation of the set must matter
				}
			}
			if rc.decide() == want {
				found = emulations[useful[pick[0]]].class
				return true
			}
			return false
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// combinations calls fn with every increasing k-subset of [0, n) until fn returns
// true.
func combinations(n, k int, fn func([]int) bool) bool {
	pick := make([]int, k)
	var rec func(start, depth int) bool
	rec = func(start, depth int) bool {
		if depth == k {
			return fn(pick)
		}
		for i := start; i <= n-(k-depth); i++ {
			pick[depth] = i
			if rec(i+1, depth+1) {
				return true
			}
		}
		return false
	}
	return rec(0, 0)
}

// rewriteCase is a case whose policies are editable trees.
type rewriteCase struct {
	orig     *model.Case
	req      model.CaseRequest
	policies []*rewritePolicy
}

type rewritePolicy struct {
	ref   model.PolicyRef
	trust bool  // a role's trust policy: its statements have no Resource
	tree  *node // nil when the text is not JSON (left as text)
	text  []byte
}

// newRewriteCase makes every policy of c, whatever its type, an editable tree.
func newRewriteCase(c *model.Case) (*rewriteCase, error) {
	rc := &rewriteCase{orig: c, req: c.Request}
	for ref, v := range c.Policies.All() {
		text, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return nil, err
		}
		p := &rewritePolicy{ref: ref, text: text,
			trust: ref.Type == model.ResourcePolicy && model.ResourcePolicyType(c.Request.Resource) == model.TrustPolicy}
		if t, err := parseTree(text); err == nil && t.kind == '{' {
			p.tree = t
		}
		rc.policies = append(rc.policies, p)
	}
	return rc, nil
}

// clone copies the case deeply enough for an emulation to edit it: the trees are
// parsed again from their text.
func (rc *rewriteCase) clone() *rewriteCase {
	out := &rewriteCase{orig: rc.orig, req: rc.req}
	if rc.req.Context != nil {
		out.req.Context = make(map[string]jsontext.Value, len(rc.req.Context))
		for k, v := range rc.req.Context {
			out.req.Context[k] = v
		}
	}
	for _, p := range rc.policies {
		q := *p
		if p.tree != nil {
			q.tree, _ = parseTree(p.tree.encode(nil))
		}
		out.policies = append(out.policies, &q)
	}
	return out
}

// filterStatements keeps the statements for which keep is true and reports whether
// any was removed. A policy left without statements gets one that never applies,
// since IAM (and the model) reject an empty Statement list.
func (p *rewritePolicy) filterStatements(keep func(*node) bool) bool {
	if !p.tree.filterStatements(keep) {
		return false
	}
	if len(p.tree.statements()) == 0 {
		neutral := `{"Effect":"Deny","Action":"iamfuzz:NeverRequested","Resource":"*"}`
		switch {
		case p.trust:
			neutral = neutralTrustStatement
		case p.ref.Type == model.ResourcePolicy || p.ref.Type == model.RCPPolicy:
			neutral = neutralResourceStatement
		}
		st, _ := parseTree([]byte(neutral))
		p.tree.set("Statement", &node{kind: '[', items: []*node{st}})
	}
	return true
}

// Statements that never apply, for a resource-based policy and a role's trust
// policy (which has no Resource).
const (
	neutralResourceStatement = `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"iamfuzz:NeverRequested","Resource":"*"}`
	neutralTrustStatement    = `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"iamfuzz:NeverRequested"}`
)

// decide returns the model's decision of the rewritten case, or "" when it is an
// error. A decision that rests on UNDEF behaviour counts too: what is compared is
// only whether the peer's rule, emulated, gives the peer's answer.
func (rc *rewriteCase) decide() string {
	c := &model.Case{ID: rc.orig.ID, Request: rc.req, Dir: rc.orig.Dir}
	// The rewritten policies stand where the original ones stood: Map keeps the
	// shape (empty SCP levels included) and visits the policies in All's order.
	next := 0
	var err error
	c.Policies, err = rc.orig.Policies.Map(func(ref model.PolicyRef, _ jsontext.Value) (jsontext.Value, error) {
		if next >= len(rc.policies) || rc.policies[next].ref != ref {
			return nil, fmt.Errorf("rewritten policies out of step at %s", ref)
		}
		p := rc.policies[next]
		next++
		text := p.text
		if p.tree != nil {
			text = p.tree.encode(nil)
		}
		v, _ := jsontext.AppendQuote(nil, string(text))
		return v, nil
	})
	if err != nil {
		return ""
	}
	// Policies an emulation added (a key policy for a key that had none) follow.
	for _, p := range rc.policies[next:] {
		if p.ref.Type != model.ResourcePolicy || p.tree == nil {
			return ""
		}
		v, _ := jsontext.AppendQuote(nil, string(p.tree.encode(nil)))
		c.Policies.Resource = append(c.Policies.Resource, v)
	}
	var pc model.PolicyCache
	var e model.Evaluator
	res, err := c.Decide(&pc, &e)
	if err != nil {
		return ""
	}
	return res.Decision.String()
}

// isKnownOperator reports whether the model knows a condition operator name
// (ForAllValues:/ForAnyValue: prefix, IfExists suffix, a base operator).
func isKnownOperator(name string) bool {
	rest := name
	if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		rest = r
	}
	rest, _ = strings.CutSuffix(rest, "IfExists")
	return slices.Contains(model.OperatorNames(), rest)
}

// moveKey adds key k to an operator block whose outcome depends on the key's
// presence only: the key's value is a variable that never resolves, so a positive
// operator never matches a present key. With set "" and ifExists the outcome is
// "true when absent, false when present"; with set "" alone "always false";
// ForAllValues: "true when absent (or empty), else false"; ForAnyValue: "false".
// Any positive operator will do; the first that does not already test the key is
// used. It reports false when all of them do.
func moveKey(cond *node, k member, set string, ifExists bool) bool {
	for _, base := range []string{"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"} {
		target := conditionOp{set: set, base: base, ifExists: ifExists}.String()
		tb := cond.get(target)
		if tb != nil && slices.ContainsFunc(tb.members, func(m member) bool { return strings.EqualFold(m.name, k.name) }) {
			continue
		}
		if tb == nil {
			tb = &node{kind: '{'}
			cond.members = append(cond.members, member{target, tb})
		}
		tb.members = append(tb.members, member{k.name, stringNode("${iamfuzz:NeverResolved}")})
		return true
	}
	return false
}

// removeBlock removes an operator block from a Condition.
func removeBlock(cond, block *node) {
	for i, m := range cond.members {
		if m.val == block {
			cond.members = append(cond.members[:i], cond.members[i+1:]...)
			return
		}
	}
}

// unresolved reports whether text holds a policy variable without a default whose
// key the request lacks (or holds with several values).
func unresolved(text string, r *model.Request) bool {
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			return false
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return false
		}
		body := text[i+2 : i+j]
		text = text[i+j+1:]
		switch body {
		case "*", "?", "$":
			continue
		}
		if strings.Contains(body, ",") {
			continue // has a default
		}
		// The peer's view: an empty value counts as no value.
		v, ok := r.Value(strings.TrimSpace(body))
		if !ok || v.Multi || len(v.Values) != 1 || v.Values[0] == "" {
			return true
		}
	}
}

// conditionOp is a condition operator name split into its parts.
type conditionOp struct {
	set      string // "", "ForAllValues:" or "ForAnyValue:"
	base     string
	ifExists bool
}

func splitOperator(name string) conditionOp {
	var op conditionOp
	for _, p := range []string{"ForAllValues:", "ForAnyValue:"} {
		if r, ok := strings.CutPrefix(name, p); ok {
			op.set, name = p, r
		}
	}
	op.base, op.ifExists = strings.CutSuffix(name, "IfExists")
	return op
}

func (op conditionOp) String() string {
	s := op.set + op.base
	if op.ifExists {
		s += "IfExists"
	}
	return s
}

// statements yields the statements of the case's policies of type typ that are
// JSON objects.
func (rc *rewriteCase) statements(typ model.PolicyType) iter.Seq[*node] {
	return func(yield func(*node) bool) {
		for _, p := range rc.policies {
			if p.tree == nil || p.ref.Type != typ {
				continue
			}
			for _, st := range p.tree.statements() {
				if !yield(st) {
					return
				}
			}
		}
	}
}

// eachConditionObject calls fn with the Condition object of every statement of the
// policies that use the 2012-10-17 language (or every policy, with any=true) until
// fn returns false.
func (rc *rewriteCase) eachConditionObject(any bool, fn func(cond *node) bool) {
	for _, p := range rc.policies {
		if p.tree == nil {
			continue
		}
		if v, _ := p.tree.get("Version").str(); !any && v != "2012-10-17" {
			continue
		}
		for _, st := range p.tree.statements() {
			if cond := st.get("Condition"); cond != nil && cond.kind == '{' && !fn(cond) {
				return
			}
		}
	}
}

// eachCondition calls fn with every operator block of the Condition objects
// eachConditionObject walks; fn may edit the Condition object.
func (rc *rewriteCase) eachCondition(any bool, fn func(cond *node, op conditionOp, block *node)) {
	rc.eachConditionObject(any, func(cond *node) bool {
		for _, m := range slices.Clone(cond.members) {
			if m.val.kind == '{' {
				fn(cond, splitOperator(m.name), m.val)
			}
		}
		return true
	})
}

// request is the model's request of the rewritten case, for the emulations that
// depend on the request's values.
func (rc *rewriteCase) request() (*model.Request, error) {
	return (&model.Case{Request: rc.req}).BuildRequest()
}

// moveKeys moves, in the operator blocks for which applies is true, the keys for
// which hit is true to an operator with the peer's outcome: moveKey with the
// block's own set and, for a block without one, IfExists when ifExists. It reports
// whether anything moved and every move succeeded.
func (rc *rewriteCase) moveKeys(any, ifExists bool, applies func(conditionOp) bool, hit func(r *model.Request, k member) bool) bool {
	r, err := rc.request()
	if err != nil {
		return false
	}
	changed, failed := false, false
	rc.eachCondition(any, func(cond *node, op conditionOp, block *node) {
		if !applies(op) {
			return
		}
		c, ok := moveMatching(cond, block, op.set, ifExists && op.set == "", func(k member) bool { return hit(r, k) })
		changed, failed = changed || c, failed || !ok
	})
	return changed && !failed
}

// moveMatching moves the members of an operator block for which hit is true to an
// operator with the peer's outcome (moveKey with set and plain), and drops the
// block when it empties. It reports whether anything moved and whether every move
// succeeded.
func moveMatching(cond, block *node, set string, plain bool, hit func(member) bool) (changed, ok bool) {
	var moved []member
	kept := block.members[:0]
	for _, k := range block.members {
		if hit(k) {
			moved = append(moved, k)
		} else {
			kept = append(kept, k)
		}
	}
	block.members = kept
	ok = true
	for _, k := range moved {
		ok = moveKey(cond, k, set, plain) && ok
		changed = true
	}
	if len(block.members) == 0 {
		removeBlock(cond, block)
	}
	return changed, ok
}
