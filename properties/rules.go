package properties

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"go.yaml.in/yaml/v3"
)

// Invariant names of the general rule kinds, as used in specs, reports and JSON.
const (
	InvNever        = "never"
	InvOnly         = "only"
	InvNoEscalation = "no-escalation"
	InvNoFullAccess = "no-full-access"
	InvNoNewAccess  = "no-new-access"
)

// FixedContext is the context a rule is about: each key with exactly these
// values. A request fits when it carries every key with the same values (keys
// compared case-insensitively, as IAM does; values exactly).
type FixedContext []ContextEntry

// Holds reports whether a request's context carries every fixed key.
func (f FixedContext) Holds(ctx map[string]model.ContextValue) bool {
	for _, e := range f {
		v, ok := lookupContext(ctx, e.Key)
		if !ok || v.Multi != e.Value.Multi || !slices.Equal(v.Values, e.Value.Values) {
			return false
		}
	}
	return true
}

func (f FixedContext) String() string {
	parts := make([]string, len(f))
	for i, e := range f {
		parts[i] = fmt.Sprintf("%s=%s", e.Key, contextJSON(e.Value))
	}
	return strings.Join(parts, ", ")
}

// NeverRule names requests that must never be allowed: an action matching one of
// Actions on a resource matching one of Resources (ARN patterns; "*" any), with
// the MFA state (nil: any) and fixed context keys.
type NeverRule struct {
	Name      string
	Actions   []string
	Resources []string
	MFA       *MFARequirement
	Context   FixedContext
	Reason    string
}

// Covers reports whether the rule speaks about req, whose MFA state is m.
func (r *NeverRule) Covers(req *model.Request, m MFAState) bool {
	return matchesAny(r.Actions, req.Action) && anyARN(r.Resources, req.Resource) &&
		(r.MFA == nil || r.MFA.Holds(m)) && r.Context.Holds(req.Context)
}

// Only is an envelope: every allowed request fits one of its entries.
type Only struct {
	Allow  []*Envelope
	Reason string
}

// Envelope is one entry of an only rule: action and resource patterns.
type Envelope struct {
	Actions   []string
	Resources []string
}

// Fits reports whether an action on a resource is inside the envelope.
func (o *Only) Fits(action, resource string) bool {
	for _, e := range o.Allow {
		if matchesAny(e.Actions, action) && anyARN(e.Resources, resource) {
			return true
		}
	}
	return false
}

func anyARN(patterns []string, resource string) bool {
	for _, p := range patterns {
		if globARN(p, resource) {
			return true
		}
	}
	return false
}

// SpecPolicies names the policies around the checked one (paths relative to the
// spec file): what the whole bundle the caller faces holds.
type SpecPolicies struct {
	Boundary string
	SCP      []string // one file per level, root first
	RCP      []string
	Session  string
	Resource []SpecResourcePolicy
}

// SpecResourcePolicy is a resource-based policy and the resources it is attached to.
type SpecResourcePolicy struct {
	File       string
	AttachedTo []string
}

// NeverCheck is the never invariant: no request a never rule covers is allowed.
func NeverCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return neverCheck(spec, pol, req, res, &judgement{req: req})
}

func neverCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if len(spec.Never) == 0 || res.Decision != model.Allowed {
		return nil
	}
	c, m, ok := j.caller()
	if !ok {
		return nil
	}
	for _, r := range spec.Never {
		if !r.Covers(req, m) {
			continue
		}
		under := mfaPhrase(m)
		if len(r.Context) > 0 {
			under += " with " + r.Context.String()
		}
		reason := fmt.Sprintf("%s is allowed %s on %s %s by %s; never rule %q forbids it", c, req.Action, req.Resource, under, stmtNames(pol, res.Matched), r.Name)
		sev := SeverityError
		if notEnforced(res) {
			sev = SeverityNote
		}
		return newViolation(InvNever, r.Name, req, res, sev, reason)
	}
	return nil
}

// OnlyCheck is the only invariant: every allowed request fits the envelope.
func OnlyCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return onlyCheck(spec, pol, req, res, &judgement{req: req})
}

func onlyCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if spec.Only == nil || res.Decision != model.Allowed {
		return nil
	}
	c, m, ok := j.caller()
	if !ok || spec.Only.Fits(req.Action, req.Resource) {
		return nil
	}
	reason := fmt.Sprintf("%s is allowed %s on %s %s by %s; it is outside the only envelope", c, req.Action, req.Resource, mfaPhrase(m), stmtNames(pol, res.Matched))
	sev := SeverityError
	if notEnforced(res) {
		sev = SeverityNote
	}
	// One finding per action: the rule names the action, so that every action
	// outside the envelope is listed, not only the first.
	return newViolation(InvOnly, "outside the envelope", req, res, sev, reason)
}

func mfaPhrase(m MFAState) string {
	if m == MFATrue {
		return "with MFA"
	}
	return "without MFA (" + m.String() + ")"
}

// Parsing of the general rule kinds; the spec's top level dispatches here.

func (p *specParser) policies(n *yaml.Node, path string) *SpecPolicies {
	sp := &SpecPolicies{}
	m := p.mapping(n, path, "boundary", "scp", "rcp", "session", "resource")
	if m == nil {
		return sp
	}
	if v, ok := m["boundary"]; ok {
		sp.Boundary, _ = p.str(v, path+".boundary")
	}
	if v, ok := m["session"]; ok {
		sp.Session, _ = p.str(v, path+".session")
	}
	if v, ok := m["scp"]; ok {
		sp.SCP, _ = p.strList(v, path+".scp")
	}
	if v, ok := m["rcp"]; ok {
		sp.RCP, _ = p.strList(v, path+".rcp")
	}
	if v, ok := m["resource"]; ok {
		v = resolve(v)
		if v.Kind != yaml.SequenceNode {
			p.errf(v, path+".resource", ErrSpecInvalidValue, "expected a list of {file, attached-to} entries, found %s", describeNode(v))
			return sp
		}
		for i, en := range v.Content {
			ep := fmt.Sprintf("%s.resource[%d]", path, i)
			em := p.mapping(en, ep, "file", "attached-to")
			if em == nil {
				continue
			}
			var rp SpecResourcePolicy
			if f, ok := em["file"]; ok {
				rp.File, _ = p.str(f, ep+".file")
			} else {
				p.errf(en, ep+".file", ErrSpecMissingKey, "missing \"file\": the resource policy's file")
			}
			if a, ok := em["attached-to"]; ok {
				list, nodes := p.strList(a, ep+".attached-to")
				for j, r := range list {
					if err := checkAttachment(r); err != nil {
						p.errf(nodes[j], fmt.Sprintf("%s.attached-to[%d]", ep, j), ErrSpecInvalidValue, "%q is not an ARN or ARN pattern", r)
						continue
					}
					rp.AttachedTo = append(rp.AttachedTo, r)
				}
			} else {
				p.errf(en, ep+".attached-to", ErrSpecMissingKey, "missing \"attached-to\": the resources (ARNs or patterns) the policy is attached to")
			}
			sp.Resource = append(sp.Resource, rp)
		}
	}
	return sp
}

// resourcePatterns reads ARN patterns ("*" or arn:…); an absent list means any.
func (p *specParser) resourcePatterns(m map[string]*yaml.Node, path string) []string {
	v, ok := m["resources"]
	if !ok {
		return []string{"*"}
	}
	list, nodes := p.strList(v, path+".resources")
	var out []string
	for i, r := range list {
		if err := checkAttachment(r); err != nil {
			p.errf(nodes[i], fmt.Sprintf("%s.resources[%d]", path, i), ErrSpecInvalidValue, "%q is not an ARN pattern (arn:partition:service:region:account:resource, * and ? allowed) or \"*\"", r)
			continue
		}
		out = append(out, r)
	}
	return out
}

// fixedContext reads a mapping of context keys to a value or a list of values (a
// multivalued key). Keys AWS derives from the principal cannot be fixed, and the
// MFA keys are set with "mfa".
func (p *specParser) fixedContext(n *yaml.Node, path string) FixedContext {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errf(n, path, ErrSpecInvalidValue, "expected a mapping of context keys to values, found %s", describeNode(n))
		return nil
	}
	var out FixedContext
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		kp := joinPath(path, k.Value)
		lk := strings.ToLower(k.Value)
		switch {
		case seen[lk]:
			p.errf(k, kp, ErrSpecDuplicate, "context key %q is given twice (keys are case-insensitive)", k.Value)
			continue
		case !strings.Contains(k.Value, ":"):
			p.errf(k, kp, ErrSpecInvalidValue, "%q is not a condition key (service:Key, e.g. aws:SourceIp)", k.Value)
			continue
		case isPrincipalKey(k.Value):
			p.errf(k, kp, ErrSpecInvalidValue, "%q is derived from the principal; choose the principal instead", k.Value)
			continue
		case strings.EqualFold(k.Value, keyMFAPresent) || strings.EqualFold(k.Value, keyMFAAge):
			p.errf(k, kp, ErrSpecInvalidValue, "%q: give the MFA state with \"mfa\" (with, without, absent, false)", k.Value)
			continue
		}
		seen[lk] = true
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			out = append(out, ContextEntry{k.Value, model.Single(v.Value)})
		case v.Kind == yaml.SequenceNode:
			var vals []string
			for j, it := range v.Content {
				if s, ok := p.str(it, fmt.Sprintf("%s[%d]", kp, j)); ok {
					vals = append(vals, s)
				}
			}
			out = append(out, ContextEntry{k.Value, model.Multi(vals...)})
		default:
			p.errf(v, kp, ErrSpecInvalidValue, "expected a value or a list of values, found %s", describeNode(v))
		}
	}
	return out
}

func (p *specParser) never(n *yaml.Node, path string) []*NeverRule {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.errf(n, path, ErrSpecInvalidValue, "expected a list of never rules, found %s", describeNode(n))
		return nil
	}
	var out []*NeverRule
	names := map[string]string{}
	for i, rn := range n.Content {
		rp := fmt.Sprintf("%s[%d]", path, i)
		m := p.mapping(rn, rp, "name", "actions", "resources", "mfa", "context", "reason")
		if m == nil {
			continue
		}
		r := &NeverRule{}
		for _, k := range []string{"name", "actions"} {
			if _, ok := m[k]; !ok {
				p.errf(rn, rp+"."+k, ErrSpecMissingKey, "missing %q", k)
			}
		}
		if v, ok := m["name"]; ok {
			r.Name = p.ruleName(v, rp, names)
		}
		if v, ok := m["actions"]; ok {
			r.Actions = p.actions(v, rp+".actions", true)
		}
		r.Resources = p.resourcePatterns(m, rp)
		if v, ok := m["mfa"]; ok {
			i, ok := p.enum(v, rp+".mfa", mfaReqNames)
			if ok {
				req := MFARequirement(i)
				r.MFA = &req
			}
		}
		if v, ok := m["context"]; ok {
			r.Context = p.fixedContext(v, rp+".context")
		}
		if v, ok := m["reason"]; ok {
			r.Reason, _ = p.str(v, rp+".reason")
			r.Reason = strings.TrimSpace(r.Reason)
		}
		out = append(out, r)
	}
	return out
}

func (p *specParser) ruleName(v *yaml.Node, rp string, names map[string]string) string {
	s, ok := p.str(v, rp+".name")
	if !ok {
		return ""
	}
	if prev, dup := names[s]; dup {
		p.errf(v, rp+".name", ErrSpecDuplicate, "rule name %q is also used by %s; names identify rules in reports", s, prev)
	}
	names[s] = rp
	return s
}

func (p *specParser) only(n *yaml.Node, path string) *Only {
	o := &Only{}
	m := p.mapping(n, path, "allow", "reason")
	if m == nil {
		return o
	}
	if v, ok := m["reason"]; ok {
		o.Reason, _ = p.str(v, path+".reason")
		o.Reason = strings.TrimSpace(o.Reason)
	}
	v, ok := m["allow"]
	if !ok {
		p.errf(n, path+".allow", ErrSpecMissingKey, "missing \"allow\": the list of {actions, resources} every allowed request must fit")
		return o
	}
	v = resolve(v)
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		p.errf(v, path+".allow", ErrSpecInvalidValue, "expected a non-empty list of {actions, resources} entries, found %s", describeNode(v))
		return o
	}
	for i, en := range v.Content {
		ep := fmt.Sprintf("%s.allow[%d]", path, i)
		em := p.mapping(en, ep, "actions", "resources")
		if em == nil {
			continue
		}
		e := &Envelope{}
		if a, ok := em["actions"]; ok {
			e.Actions = p.actions(a, ep+".actions", true)
		} else {
			p.errf(en, ep+".actions", ErrSpecMissingKey, "missing \"actions\"")
		}
		e.Resources = p.resourcePatterns(em, ep)
		o.Allow = append(o.Allow, e)
	}
	return o
}

// flag reads a "true" switch (no-escalation: true). false is allowed and turns
// the invariant off.
func (p *specParser) flag(n *yaml.Node, path string) bool {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || (n.Value != "true" && n.Value != "false") {
		p.errf(n, path, ErrSpecInvalidValue, "expected true or false, found %s", describeNode(n))
		return false
	}
	return n.Value == "true"
}
