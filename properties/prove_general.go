package properties

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// The proof engine and the general rule kinds. never, only and liveness judge
// one request, so the partition only needs their action lists, resource
// patterns and fixed context keys to make every class answer them alike.
// no-escalation and no-full-access are about sets of requests; over an exact
// partition they are proved when one action they need is allowed in no class.

// addGeneralProblem adds the general rule kinds' predicates to a partition
// problem: action lists, resource patterns (and the caller's own IAM user, for
// escalation methods that concern other users), and fixed context keys.
func (t *Target) addGeneralProblem(p *partition.Problem) {
	s := t.Spec
	var preds []string
	fixed := map[string][]*model.ContextValue{}
	var keyOrder []string
	addFixed := func(fc FixedContext) {
		for _, e := range fc {
			k := strings.ToLower(e.Key)
			if _, ok := fixed[k]; !ok {
				keyOrder = append(keyOrder, e.Key)
				fixed[k] = []*model.ContextValue{nil}
			}
			v := e.Value
			fixed[k] = append(fixed[k], &v)
		}
	}
	for _, r := range s.Never {
		p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "never " + r.Name, Patterns: r.Actions})
		preds = append(preds, r.Resources...)
		addFixed(r.Context)
	}
	if s.Only != nil {
		for i, e := range s.Only.Allow {
			p.ActionLists = append(p.ActionLists, partition.ActionList{Name: fmt.Sprintf("only %d", i), Patterns: e.Actions})
			preds = append(preds, e.Resources...)
		}
	}
	for _, r := range s.Liveness {
		addFixed(r.Context)
	}
	if s.NoEscalation {
		for _, m := range EscalationMethods() {
			p.ActionLists = append(p.ActionLists, partition.ActionList{Name: "escalation " + m.ID, Patterns: m.Actions})
		}
	}
	for _, k := range keyOrder {
		p.Keys = append(p.Keys, partition.KeyDomain{Key: k, Values: fixed[strings.ToLower(k)]})
	}
	for _, g := range preds {
		if g != "*" {
			p.StaticResources = append(p.StaticResources, partition.ResourcePred{Key: "glob:" + g, Lang: globLang(g), Service: serviceOf(g)})
		}
	}
	if s.NoEscalation {
		p.NameContexts = append(p.NameContexts, partition.NameContext{Key: "self-user", Lang: ownUser.langWith(partition.AccountMarker(), partition.NameMarker()), Fold: true, IfPolicyWrites: true})
	}
	prev := p.Resources
	p.Resources = func(pr partition.Principal) []partition.ResourcePred {
		var out []partition.ResourcePred
		if prev != nil {
			out = prev(pr)
		}
		for _, g := range preds {
			if g == "*" {
				continue
			}
			out = append(out, partition.ResourcePred{Key: "glob:" + g, Lang: globLang(g), Service: serviceOf(g)})
		}
		if s.NoEscalation && pr.Kind == partition.UserPrincipal {
			c := Caller{Kind: UserCaller, Account: pr.Account, Name: pr.Name}
			out = append(out, partition.ResourcePred{Key: "self-user:" + pr.Account + ":" + pr.Name, Lang: ownUser.lang(&c), Service: "iam"})
		}
		return out
	}
}

// globLang is the language of an IAM resource pattern: "*" any run, "?" one
// character, the rest literal (case-sensitive, as IAM matches resources).
func globLang(g string) *partition.Lang {
	var parts []*partition.Lang
	lit := 0
	for i := 0; i < len(g); i++ {
		if g[i] != '*' && g[i] != '?' {
			continue
		}
		parts = append(parts, partition.Lit(g[lit:i]))
		if g[i] == '*' {
			parts = append(parts, partition.Any(partition.AnyByte))
		} else {
			parts = append(parts, partition.Byte(partition.AnyByte))
		}
		lit = i + 1
	}
	parts = append(parts, partition.Lit(g[lit:]))
	return partition.Seq(parts...)
}

// setProof collects, over the classes of a proof run, which catalogue actions
// the bundle allows in some class.
type setProof struct {
	t       *Target
	allowed map[string]bool           // lower-case action names
	groups  map[*partition.Group]bool // groups recorded
}

func (t *Target) newSetProof() *setProof {
	if !t.Spec.NoEscalation && !t.Spec.NoFullAccess {
		return nil
	}
	return &setProof{t: t, allowed: map[string]bool{}}
}

// observe records a class: when its witness is allowed, every action of its
// group is allowed for the class's requests.
func (s *setProof) observe(c *partition.Class, allowed bool) {
	if s == nil || !allowed || s.groups[c.Group] {
		return
	}
	// The witness's action is one of its group's: once a group is recorded,
	// its other classes add nothing (a group may hold thousands of actions,
	// and a policy a million allowed classes).
	if s.groups == nil {
		s.groups = map[*partition.Group]bool{}
	}
	s.groups[c.Group] = true
	s.allowed[strings.ToLower(c.Action)] = true
	for _, a := range c.Group.Actions {
		s.allowed[strings.ToLower(a)] = true
	}
}

// settle says, after an exact enumeration, what the set invariants still leave
// open: an escalation method of several actions each allowed somewhere (whether
// one caller in one context gets them all is not proved), or every action of
// the catalogue allowed somewhere. failed names invariants that already failed.
func (s *setProof) settle(cov *partition.Coverage, failed map[string]bool) {
	if s == nil {
		return
	}
	if s.t.Spec.NoEscalation && !failed[InvNoEscalation] {
		for _, m := range EscalationMethods() {
			if len(m.Actions) == 1 {
				continue // judged on every witness by EscalationCheck
			}
			all := true
			for _, a := range m.Actions {
				all = all && s.allowed[strings.ToLower(a)]
			}
			if all {
				cov.Unknown = append(cov.Unknown, fmt.Sprintf("invariant no-escalation: every action of %s (%s) is allowed in some class; whether one caller gets them all at once is not proved", m.ID, strings.Join(m.Actions, ", ")))
			}
		}
	}
	if s.t.Spec.NoFullAccess && !failed[InvNoFullAccess] {
		loadCatalog()
		if len(s.allowed) >= len(catActions) {
			cov.Unknown = append(cov.Unknown, "invariant no-full-access: every action is allowed in some class; whether one caller gets them all at once is not proved")
		}
	}
}
