package properties

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"go.yaml.in/yaml/v3"
)

// EscalationMethod is one documented way to gain more privilege than a policy
// grants: a set of actions that, all allowed to one caller, hand it another
// identity's or role's permissions. properties/escalation.yaml lists them, each
// with its source.
type EscalationMethod struct {
	ID      string   `yaml:"id"`
	Actions []string `yaml:"actions"`
	// Target is "other-user" when the method works only on IAM users other than
	// the caller (an access key for yourself is self-management); "" or "any".
	Target string `yaml:"target"`
	Why    string `yaml:"why"`
	Source string `yaml:"source"`
}

func (m *EscalationMethod) otherUserOnly() bool { return m.Target == "other-user" }

//go:embed escalation.yaml
var escalationYAML []byte

var (
	escOnce    sync.Once
	escMethods []*EscalationMethod
	escErr     error
	// escSingle maps a catalogue action to the one-action methods it completes.
	escSingle map[*catalog.Action][]*EscalationMethod
)

// EscalationMethods returns the documented privilege escalation methods, in the
// order of properties/escalation.yaml. The list is shared: do not modify it.
func EscalationMethods() []*EscalationMethod {
	loadEscalation()
	if escErr != nil {
		panic("properties: the embedded escalation list is invalid: " + escErr.Error())
	}
	return escMethods
}

func loadEscalation() {
	escOnce.Do(func() {
		var doc struct {
			Methods []*EscalationMethod `yaml:"methods"`
		}
		dec := yaml.NewDecoder(strings.NewReader(string(escalationYAML)))
		dec.KnownFields(true)
		if escErr = dec.Decode(&doc); escErr != nil {
			return
		}
		escSingle = map[*catalog.Action][]*EscalationMethod{}
		for _, m := range doc.Methods {
			if m.ID == "" || len(m.Actions) == 0 || m.Source == "" || m.Why == "" {
				escErr = fmt.Errorf("method %q: id, actions, why and source are required", m.ID)
				return
			}
			if m.Target != "" && m.Target != "any" && m.Target != "other-user" {
				escErr = fmt.Errorf("method %s: target %q is not any or other-user", m.ID, m.Target)
				return
			}
			var act *catalog.Action
			for i, a := range m.Actions {
				var ok bool
				if act, ok = lookupAction(a); !ok {
					escErr = fmt.Errorf("method %s: %s is not in the AWS action catalogue", m.ID, a)
					return
				}
				m.Actions[i] = act.FullName()
			}
			if len(m.Actions) == 1 {
				escSingle[act] = append(escSingle[act], m)
			}
		}
		escMethods = doc.Methods
	})
}

// ownUser is the template of "the caller's own IAM user".
var ownUser, _ = compileTemplate("arn:aws:iam::{account}:user/{path}{username}", false)

// othersResource reports whether resource is acceptable for the method's target:
// any resource, or for other-user methods an IAM user that is not the caller.
func (m *EscalationMethod) fits(c Caller, resource string) bool {
	if !m.otherUserOnly() {
		return true
	}
	acct, _, name, ok := ownUser.Match(resource)
	if !ok {
		return resource == "*" // a user-less grant: every user
	}
	return !c.SameUser(acct, name)
}

// EscalationCheck is the per-request half of no-escalation: an allowed request
// that by itself completes a one-action method (iam:CreatePolicyVersion,
// iam:CreateAccessKey on another user …). Methods of several actions need the
// other actions' decisions too; Target.WholeChecks finds those.
func EscalationCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return escalationCheck(spec, pol, req, res, &judgement{req: req})
}

func escalationCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if !spec.NoEscalation || res.Decision != model.Allowed {
		return nil
	}
	loadEscalation()
	// A judged request's action is in the catalogue, and every method's is.
	c, m, ok := j.caller()
	if !ok {
		return nil
	}
	ms := escSingle[j.act]
	if len(ms) == 0 {
		return nil
	}
	for _, meth := range ms {
		if !meth.fits(c, req.Resource) {
			continue
		}
		reason := fmt.Sprintf("%s is allowed %s on %s %s by %s: privilege escalation (%s: %s; %s)",
			c, req.Action, req.Resource, mfaPhrase(m), stmtNames(pol, res.Matched), meth.ID, meth.Why, meth.Source)
		return newViolation(InvNoEscalation, meth.ID, req, res, SeverityError, reason)
	}
	return nil
}

// maxCandidates bounds the resources tried per action in the whole-bundle checks.
const maxCandidates = 24

// wholeCallers are the callers the whole-bundle checks try: alice, a role
// session, and alice in each account the policies name literally.
func (t *Target) wholeCallers() []Caller {
	out := []Caller{
		{Kind: UserCaller, Account: drawAccounts[0], Name: drawNames[0]},
		{Kind: RoleSessionCaller, Account: drawAccounts[0], Name: drawRoles[0], Session: drawSessions[0]},
	}
	for _, a := range t.voc.accounts[len(drawAccounts):] {
		if len(out) >= 5 {
			break
		}
		out = append(out, Caller{Kind: UserCaller, Account: a, Name: drawNames[0]})
	}
	return out
}

// wholeContexts are the request contexts the whole-bundle checks try: without
// MFA, with MFA, and with MFA and every condition key of the policies at one of
// its values (so that a grant behind a condition is found).
func (t *Target) wholeContexts() [][]ContextEntry {
	out := [][]ContextEntry{nil, mfaContext(MFATrue)}
	width := 0
	for _, ek := range t.voc.extraKeys[:t.voc.policyKeys] {
		width = max(width, len(ek.values))
	}
	for j := range min(width, 4) {
		ctx := mfaContext(MFATrue)
		for _, ek := range t.voc.extraKeys[:t.voc.policyKeys] {
			ctx = append(ctx, ContextEntry{ek.key, model.Single(ek.values[j%len(ek.values)])})
		}
		out = append(out, ctx)
	}
	return out
}

// resourcesFor lists resources to try an action on for a caller: the caller's own
// and other users' ARNs for IAM user resources, the policies' own resources
// instantiated for the caller, and the catalogue's ARN templates filled in.
func (t *Target) resourcesFor(act *catalog.Action, c Caller) []string {
	if act.TakesNoResource() {
		return []string{"*"}
	}
	seen := map[string]bool{}
	var out []string
	add := func(r string) {
		if len(out) < maxCandidates && !seen[r] && act.AcceptsResource(r) {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, rt := range act.ResourceTypes {
		if act.Service == "iam" && rt.Name == "user" {
			for _, r := range t.voc.userResources(c) {
				add(r)
			}
		}
	}
	for _, r := range t.voc.resources {
		base := instantiatePattern(r, c)
		add(base)
		if !strings.HasSuffix(r, "*") {
			continue
		}
		// A trailing "*" also matches the rest of a nested resource type: the
		// log stream of a log group, the key of a bucket's object. Extend the
		// pattern with the tail of each catalogue template after its first name.
		for _, rt := range act.ResourceTypes {
			for _, tpl := range rt.ARNTemplates {
				filled := fillARNTemplate(tpl, c.Account)
				if i := strings.Index(filled, "example"); i >= 0 {
					add(base + filled[i+len("example"):])
				}
			}
		}
	}
	for _, rt := range act.ResourceTypes {
		for _, tpl := range rt.ARNTemplates {
			add(fillARNTemplate(tpl, c.Account))
		}
	}
	if fits, _ := catData.ResourceFits(act.FullName(), "*"); fits {
		add("*")
	}
	return out
}

// instantiatePattern turns a policy's resource pattern into a resource: policy
// variables become the caller's values (${aws:username} its name), "*" and "?"
// become plain text.
func instantiatePattern(p string, c Caller) string {
	p = varRe.ReplaceAllStringFunc(p, func(v string) string {
		switch strings.ToLower(v) {
		case "${aws:username}":
			return ownName(c)
		case "${aws:principalaccount}":
			return c.Account
		case "${*}":
			return "*"
		case "${?}":
			return "?"
		case "${$}":
			return "$"
		}
		return "example"
	})
	p = strings.ReplaceAll(p, "?", "x")
	// A wildcard account or region becomes the caller's.
	if parts := strings.SplitN(p, ":", 6); len(parts) == 6 {
		if parts[4] == "*" {
			parts[4] = c.Account
		}
		if parts[3] == "*" {
			parts[3] = "us-east-1"
		}
		p = strings.Join(parts, ":")
	}
	return strings.ReplaceAll(p, "*", "example")
}

// WholeChecks runs the checks that judge the whole bundle rather than one
// request: escalation methods of several actions (and single-action methods on
// the resources the policies name), and full access. Each finding carries one
// request that shows it; Run explains and reports them with the others.
func (t *Target) WholeChecks() []*Violation {
	var out []*Violation
	if t.Spec.NoFullAccess {
		if v := t.fullAccessFinding(); v != nil {
			out = append(out, v)
		}
	}
	if t.Spec.NoEscalation {
		out = append(out, t.escalationFindings()...)
	}
	if t.unknownBoundary != "" {
		t.bounded(out)
	}
	return out
}

type allowedReq struct {
	req *model.Request
	res model.Result
}

// firstAllowed returns the first request for action, among the candidate
// resources that fit, that the bundle allows to caller c in context ctx.
func (t *Target) firstAllowed(action string, c Caller, ctx []ContextEntry, ok func(string) bool) *allowedReq {
	act, known := lookupAction(action)
	if !known {
		return nil
	}
	for _, r := range t.resourcesFor(act, c) {
		if ok != nil && !ok(r) {
			continue
		}
		req, err := Probe{Caller: c, Action: act.FullName(), Resource: r, Context: ctx}.Request()
		if err != nil {
			continue
		}
		res := t.Decide(req)
		if res.Decision == model.Allowed {
			return &allowedReq{req, res}
		}
	}
	return nil
}

func (t *Target) escalationFindings() []*Violation {
	var out []*Violation
	callers, ctxs := t.wholeCallers(), t.wholeContexts()
methods:
	for _, meth := range EscalationMethods() {
		for _, c := range callers {
			for _, ctx := range ctxs {
				var got []*allowedReq
				for i, a := range meth.Actions {
					var fit func(string) bool
					if i == 0 {
						fit = func(r string) bool { return meth.fits(c, r) }
					}
					ar := t.firstAllowed(a, c, ctx, fit)
					if ar == nil {
						break
					}
					got = append(got, ar)
				}
				if len(got) < len(meth.Actions) {
					continue
				}
				first := got[0]
				var parts []string
				for _, g := range got {
					parts = append(parts, fmt.Sprintf("%s on %s (%s)", g.req.Action, g.req.Resource, stmtNames(t.Policy, g.res.Matched)))
				}
				_, m, _ := Judgeable(first.req)
				reason := fmt.Sprintf("%s is allowed %s %s: privilege escalation (%s: %s; %s)",
					c, strings.Join(parts, " and "), mfaPhrase(m), meth.ID, meth.Why, meth.Source)
				res := first.res
				out = append(out, newViolation(InvNoEscalation, meth.ID, first.req, &res, SeverityError, reason))
				continue methods
			}
		}
	}
	return out
}

var (
	canaryOnce sync.Once
	canaries   []Probe // caller and context left empty
)

// fullAccessCanaries are one action of every service of the catalogue, each on a
// resource it takes: a bundle that allows them all allows everything.
func fullAccessCanaries() []Probe {
	canaryOnce.Do(func() {
		loadCatalog()
		for _, s := range catData.Services() {
			if len(s.Actions) == 0 {
				continue
			}
			names := make([]*catalog.Action, len(s.Actions))
			copy(names, s.Actions)
			sort.Slice(names, func(i, j int) bool { return names[i].FullName() < names[j].FullName() })
			a := names[len(names)/2]
			res := "*"
			if !a.TakesNoResource() {
				res = ""
				for _, rt := range a.ResourceTypes {
					if len(rt.ARNTemplates) == 0 {
						continue
					}
					// Only resources of the caller's account (or of none, like S3):
					// an AWS-owned resource ("aws" account) is another account's.
					r := fillARNTemplate(rt.ARNTemplates[0], "{account}")
					if f := strings.SplitN(r, ":", 6); len(f) == 6 && (f[4] == "{account}" || f[4] == "") {
						res = r
						break
					}
				}
				if res == "" {
					continue
				}
			}
			canaries = append(canaries, Probe{Action: a.FullName(), Resource: res})
		}
	})
	return canaries
}

// fullAccessFinding reports a caller and context for which the bundle allows
// one action of every AWS service: the effect of Allow "*" on "*".
func (t *Target) fullAccessFinding() *Violation {
	for _, c := range t.wholeCallers() {
		for _, ctx := range t.wholeContexts() {
			var first *allowedReq
			all := true
			for _, cp := range fullAccessCanaries() {
				req, err := Probe{Caller: c, Action: cp.Action, Resource: strings.ReplaceAll(cp.Resource, "{account}", c.Account), Context: ctx}.Request()
				if err != nil {
					continue
				}
				res := t.Decide(req)
				if res.Decision != model.Allowed {
					all = false
					break
				}
				if first == nil || (strings.HasPrefix(req.Action, "iam:") && !strings.HasPrefix(first.req.Action, "iam:")) {
					first = &allowedReq{req, res}
				}
			}
			if !all || first == nil {
				continue
			}
			_, m, _ := Judgeable(first.req)
			reason := fmt.Sprintf("%s is allowed every action on every resource %s (one action of each of the %d AWS services tried, e.g. %s on %s, by %s): full access, the effect of Allow \"*\" on \"*\"",
				c, mfaPhrase(m), len(fullAccessCanaries()), first.req.Action, first.req.Resource, stmtNames(t.Policy, first.res.Matched))
			res := first.res
			return newViolation(InvNoFullAccess, "no Allow on every action and resource", first.req, &res, SeverityError, reason)
		}
	}
	return nil
}
