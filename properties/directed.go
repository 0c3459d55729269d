package properties

import (
	"sort"
	"strings"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Directed returns the probes that a spec's liveness rules name outright: every
// action of every rule, in each MFA state the rule covers, for one caller of the
// rule's shape (alice in 111122223333, with path dev/ for pathed users). Run
// checks them before drawing, so a liveness verdict never rests on chance.
func (t *Target) Directed() []Probe {
	var out []Probe
	for _, stage := range t.directedStages() {
		out = append(out, stage()...)
	}
	return out
}

// directedStages are Directed's probes in three parts, each built when called:
// a proof that stops at its first error (prove_quick.go) decides the liveness
// rules' probes before it builds the never rules' and the envelope's.
func (t *Target) directedStages() []func() []Probe {
	return []func() []Probe{t.livenessDirected, t.neverDirected, t.envelopeDirected}
}

// livenessDirected returns the probes of every action of every liveness rule.
func (t *Target) livenessDirected() []Probe {
	var out []Probe
	for _, ld := range t.voc.liveness {
		c := Caller{Kind: UserCaller, Account: drawAccounts[0], Name: drawNames[0]}
		switch ld.rule.Principal {
		case ShapePathedUser:
			c.Path = drawPaths[0]
		case ShapeRoleSession:
			c = Caller{Kind: RoleSessionCaller, Account: c.Account, Name: drawRoles[0], Session: drawSessions[0]}
		case ShapeFederatedUser:
			c.Kind = FederatedCaller
		}
		for _, st := range ld.rule.MFA.States() {
			for _, a := range ld.actions {
				out = append(out, Probe{Caller: c, Action: a, Resource: ld.rule.Resource.Instantiate(c), Context: withFixed(mfaContext(st), ld.rule.Context)})
			}
		}
	}
	return out
}

// maxEnvelopeProbes bounds the probes envelopeDirected makes.
const maxEnvelopeProbes = 20000

// envelopeDirected returns, for a spec with an only rule, a probe for every
// action the policy names on the resources the policies name (and the
// catalogue's), for alice and a role session, in each context of the
// whole-bundle checks: an envelope is about everything the policy grants, so
// its grants are tried outright rather than left to chance.
func (t *Target) envelopeDirected() []Probe {
	if t.Spec.Only == nil {
		return nil
	}
	var out []Probe
	for _, c := range t.wholeCallers()[:2] {
		for _, a := range t.voc.policyActions {
			act, ok := lookupAction(a)
			if !ok {
				continue
			}
			for _, r := range t.resourcesFor(act, c) {
				for _, ctx := range t.wholeContexts() {
					if len(out) >= maxEnvelopeProbes {
						return out
					}
					out = append(out, Probe{Caller: c, Action: act.FullName(), Resource: r, Context: ctx})
				}
			}
		}
	}
	return out
}

// withFixed sets a rule's fixed context keys in a drawn context, replacing any
// drawn value of the same key.
func withFixed(ctx []ContextEntry, fixed FixedContext) []ContextEntry {
	if len(fixed) == 0 {
		return ctx
	}
	out := ctx[:0:0]
	for _, e := range ctx {
		keep := true
		for _, f := range fixed {
			if strings.EqualFold(e.Key, f.Key) {
				keep = false
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return append(out, fixed...)
}

// maxNeverActions bounds the actions of one never rule that are probed directly;
// the random draws cover the rest.
const maxNeverActions = 200

// neverDirected returns probes for never rules: each action of the rule (up to
// maxNeverActions) on resources of the policies that fit the rule's patterns, for
// alice and a role session, in each MFA state the rule covers, with its context.
func (t *Target) neverDirected() []Probe {
	var out []Probe
	callers := t.wholeCallers()[:2]
	for _, r := range t.Spec.Never {
		states := []MFAState{MFAKeyAbsent, MFAKeyFalse, MFATrue}
		if r.MFA != nil {
			states = r.MFA.States()
		}
		var actions []string
		for _, a := range r.Actions {
			actions = append(actions, expandAction(a)...)
		}
		if len(actions) > maxNeverActions {
			actions = actions[:maxNeverActions]
		}
		for _, c := range callers {
			for _, a := range actions {
				act, _ := lookupAction(a)
				for _, res := range t.resourcesFor(act, c) {
					if !anyARN(r.Resources, res) {
						continue
					}
					for _, st := range states {
						out = append(out, Probe{Caller: c, Action: a, Resource: res, Context: withFixed(mfaContext(st), r.Context)})
					}
				}
			}
		}
	}
	return out
}

// mfaContext is the realistic context of an MFA state.
func mfaContext(st MFAState) []ContextEntry {
	switch st {
	case MFAKeyFalse:
		return []ContextEntry{{keyMFAPresent, model.Single("false")}}
	case MFATrue:
		return []ContextEntry{{keyMFAPresent, model.Single("true")}, {keyMFAAge, model.Single(drawAges[0])}}
	}
	return nil
}

// Sweep enumerates a bounded, exhaustive set of realistic probes: callers (alice,
// alice with a path, a role session, a federated user), every action the policy
// or the spec names plus every iam: and sts: action of the catalogue, every
// resource variant fitted to the action, and each MFA state (absent, "false",
// "true" with an age). visit returns false to stop. The mutation tests use it as
// ground truth for "this mutant breaks an invariant"; a later "prove" can build
// on it.
func (t *Target) Sweep(visit func(Probe) bool) {
	v := t.voc
	callers := []Caller{
		{Kind: UserCaller, Account: drawAccounts[0], Name: drawNames[0]},
		{Kind: UserCaller, Account: drawAccounts[0], Path: drawPaths[0], Name: drawNames[0]},
		{Kind: RoleSessionCaller, Account: drawAccounts[0], Name: drawRoles[0], Session: drawSessions[0]},
		{Kind: FederatedCaller, Account: drawAccounts[0], Name: drawNames[0]},
	}
	seen := map[string]bool{}
	var actions []*catalog.Action
	add := func(name string) {
		if a, ok := lookupAction(name); ok && !seen[a.FullName()] {
			seen[a.FullName()] = true
			actions = append(actions, a)
		}
	}
	for _, a := range v.policyActions {
		add(a)
	}
	for _, a := range v.specActions {
		add(a)
	}
	for _, a := range catIAM {
		add(a.FullName())
	}
	if s, ok := catData.Service("sts"); ok {
		for _, a := range s.Actions {
			add(a.FullName())
		}
	}
	sort.Slice(actions, func(i, j int) bool { return actions[i].FullName() < actions[j].FullName() })
	states := []MFAState{MFAKeyAbsent, MFAKeyFalse, MFATrue}
	for _, c := range callers {
		for _, a := range actions {
			var resources []string
			if a.TakesNoResource() {
				resources = []string{"*"}
			}
			for _, rt := range a.ResourceTypes {
				switch {
				case a.Service == "iam" && rt.Name == "user":
					resources = append(resources, v.userResources(c)...)
				case a.Service == "iam" && rt.Name == "mfa":
					resources = append(resources, v.mfaResources(c)...)
				default:
					for _, tpl := range rt.ARNTemplates {
						resources = append(resources, fillARNTemplate(tpl, c.Account))
					}
				}
			}
			for _, r := range resources {
				for _, st := range states {
					if !visit(Probe{Caller: c, Action: a.FullName(), Resource: r, Context: mfaContext(st)}) {
						return
					}
				}
			}
		}
	}
}
