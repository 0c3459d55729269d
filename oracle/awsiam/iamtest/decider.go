package iamtest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/internal/policypos"
)

// DefaultCaller is the caller a SimulateCustomPolicy request is simulated for
// when it names none (no CallerArn and no aws:PrincipalArn context entry). AWS uses
// the calling account there; an offline endpoint has none, so it uses this user,
// and the model derives the principal keys (aws:username …) of the context
// entries that the request leaves out from it.
const DefaultCaller = "arn:aws:iam::111122223333:user/iamfuzz-simulated-caller"

// ModelDecider answers simulations with the reference evaluator: every action ×
// resource pair of the page asked for (Simulation.From/To) is one model decision, reported in the simulator's current shape
// (one EvaluationResult per action, one ResourceSpecificResult per resource, the
// top-level decision the most restrictive of them). It is safe for concurrent use.
type ModelDecider struct {
	// Directory holds the principals that SimulatePrincipalPolicy can simulate;
	// nil answers every such request with NoSuchEntity.
	Directory *directory.Directory
	// DefaultCaller overrides the package's DefaultCaller.
	DefaultCaller string

	cache model.PolicyCache
}

// source is one input policy: how the simulator names it, and its statements'
// positions.
type source struct {
	id, typ string
	spans   []model.Span
}

// question is a simulation made ready for the model.
type question struct {
	bundle     model.Bundle
	identity   []source
	boundary   *source
	resource   *source
	principal  string
	resAccount string
	ctx        map[string]model.ContextValue
	explain    bool // a boundary or SCPs: their decision details need the trace
}

// Simulate implements Decider.
func (d *ModelDecider) Simulate(ctx context.Context, sim *Simulation) ([]EvaluationResult, error) {
	q, err := d.prepare(sim)
	if err != nil {
		return nil, err
	}
	star := sim.ResourceArns == nil || len(sim.ResourceArns) == 1 && sim.ResourceArns[0] == "*"
	resources := sim.ResourceArns
	if star {
		resources = []string{"*"}
	}
	var e model.Evaluator
	actions := sim.window()
	out := make([]EvaluationResult, 0, len(actions))
	for _, action := range actions {
		if err := ctx.Err(); err != nil {
			return nil, err // the client is gone: stop
		}
		top := EvaluationResult{EvalActionName: action, EvalResourceName: "*", MissingContextValues: []string{}}
		var decisions []model.Decision
		var perRes []ResourceSpecificResult
		orgs, bound := true, true
		for i, res := range resources {
			if i%256 == 255 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			req, err := model.NewRequestIn(q.principal, action, res, q.resAccount, q.ctx)
			if err != nil {
				return nil, invalidInput(err.Error())
			}
			var r model.Result
			var tr *model.Trace
			if q.explain {
				r, tr = e.Explain(&q.bundle, req)
			} else {
				e.Decide(&q.bundle, req, &r)
			}
			rs := ResourceSpecificResult{EvalResourceName: res, EvalResourceDecision: r.Decision.String(),
				MatchedStatements: q.statements(r.Matched), MissingContextValues: append([]string{}, r.Missing...)}
			if q.boundary != nil {
				v := boundaryAllows(tr)
				rs.AllowedByPermissionsBoundary = &v
				bound = bound && v
			}
			if len(q.bundle.SCP) > 0 {
				orgs = orgs && organizationsAllow(tr, len(q.bundle.SCP))
			}
			decisions = append(decisions, r.Decision)
			perRes = append(perRes, rs)
		}
		topDecision := mostRestrictive(decisions)
		top.EvalDecision = topDecision.String()
		for _, rs := range perRes {
			top.MissingContextValues = union(top.MissingContextValues, rs.MissingContextValues)
			if rs.EvalResourceDecision == top.EvalDecision {
				top.MatchedStatements = unionStatements(top.MatchedStatements, rs.MatchedStatements)
			}
		}
		if q.boundary != nil {
			top.AllowedByPermissionsBoundary = &bound
		}
		if len(q.bundle.SCP) > 0 {
			top.AllowedByOrganizations = &orgs
		}
		if !star {
			// Current API model: per-resource answers; the top level names the
			// action's ARN template.
			top.ResourceSpecificResults = perRes
			top.EvalResourceName = arnTemplate(action, resources)
		}
		out = append(out, top)
	}
	return out, nil
}

// prepare compiles the simulation's policies and builds its principal and context.
func (d *ModelDecider) prepare(sim *Simulation) (*question, error) {
	q := &question{}
	compile := func(id, typ, text string, pt model.PolicyType) (*model.Compiled, source, error) {
		c, err := d.cache.Compile([]byte(text), pt)
		if err != nil {
			return nil, source{}, invalidInput(fmt.Sprintf("%s: %v", id, err))
		}
		return c, source{id: id, typ: typ, spans: policypos.Spans([]byte(text), c.Policy)}, nil
	}
	var principalEntry *directory.Principal
	if sim.Operation == opPrincipal {
		p, ok := d.Directory.Lookup(sim.PolicySourceArn)
		if !ok {
			kind := "user"
			if strings.Contains(sim.PolicySourceArn, ":role/") {
				kind = "role"
			}
			return nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchEntity",
				Message: fmt.Sprintf("The %s with name %s cannot be found.", kind, directory.FriendlyName(sim.PolicySourceArn))}
		}
		principalEntry = p
		for _, pol := range p.Policies {
			c, s, err := compile(pol.Name, pol.Type, string(pol.Text), model.IdentityPolicy)
			if err != nil {
				return nil, err
			}
			q.bundle.Identity, q.identity = append(q.bundle.Identity, c), append(q.identity, s)
		}
		for l, level := range p.SCP {
			var lv []*model.Compiled
			for i, pol := range level {
				c, _, err := compile(fmt.Sprintf("scp[%d][%d] %s", l, i, pol.Name), "", string(pol.Text), model.SCPPolicy)
				if err != nil {
					return nil, err
				}
				lv = append(lv, c)
			}
			q.bundle.SCP = append(q.bundle.SCP, lv)
		}
		q.principal = sim.PolicySourceArn
		if sim.CallerArn != "" && sim.CallerArn != sim.PolicySourceArn {
			return nil, invalidInput("this endpoint simulates one principal: CallerArn must be empty or equal PolicySourceArn")
		}
	}
	for i, text := range sim.PolicyInputList {
		c, s, err := compile(fmt.Sprintf("PolicyInputList.%d", i+1), "", text, model.IdentityPolicy)
		if err != nil {
			return nil, err
		}
		q.bundle.Identity, q.identity = append(q.bundle.Identity, c), append(q.identity, s)
	}
	switch {
	case len(sim.PermissionsBoundaryPolicyInputList) == 1:
		c, s, err := compile("PermissionsBoundaryPolicyInputList.1", "", sim.PermissionsBoundaryPolicyInputList[0], model.BoundaryPolicy)
		if err != nil {
			return nil, err
		}
		q.bundle.Boundary, q.boundary = c, &s
	case principalEntry != nil && principalEntry.Boundary != nil:
		b := principalEntry.Boundary
		c, s, err := compile(b.Name, b.Type, string(b.Text), model.BoundaryPolicy)
		if err != nil {
			return nil, err
		}
		q.bundle.Boundary, q.boundary = c, &s
	}
	for l, level := range sim.OrganizationPolicies {
		var lv []*model.Compiled
		for i, text := range level {
			c, _, err := compile(fmt.Sprintf("OrderedOrganizationPolicyInputList.%d.ServiceControlPolicyInputList.%d", l+1, i+1), "", text, model.SCPPolicy)
			if err != nil {
				return nil, err
			}
			lv = append(lv, c)
		}
		q.bundle.SCP = append(q.bundle.SCP, lv)
	}
	if sim.ResourcePolicy != nil {
		// The resource-based policy of a role is its trust policy, which has no
		// Resource element (the role is the resource).
		typ := model.ResourcePolicy
		for _, r := range sim.ResourceArns {
			if model.ResourcePolicyType(r) == model.TrustPolicy {
				typ = model.TrustPolicy
			}
		}
		c, s, err := compile("ResourcePolicy", "resource", *sim.ResourcePolicy, typ)
		if err != nil {
			return nil, err
		}
		q.bundle.Resource, q.resource = []*model.Compiled{c}, &s
		if sim.Operation == opCustom && sim.CallerArn == "" {
			return nil, invalidInput("CallerArn is required with a ResourcePolicy, so that the policy's Principal element has a caller to match")
		}
	}
	q.explain = q.bundle.Boundary != nil || len(q.bundle.SCP) > 0

	ctx := make(map[string]model.ContextValue, len(sim.ContextEntries))
	seen := map[string]bool{}
	for _, e := range sim.ContextEntries {
		lk := strings.ToLower(e.Name)
		if seen[lk] {
			return nil, invalidInput(fmt.Sprintf("context key %s is given twice", e.Name))
		}
		seen[lk] = true
		switch {
		case strings.HasSuffix(e.Type, "List"):
			ctx[e.Name] = model.Multi(e.Values...)
		case len(e.Values) == 1:
			ctx[e.Name] = model.Single(e.Values[0])
		case len(e.Values) == 0:
			return nil, invalidInput(fmt.Sprintf("context key %s of type %s needs a value", e.Name, e.Type))
		default:
			ctx[e.Name] = model.Multi(e.Values...)
		}
	}
	q.ctx = ctx

	if sim.Operation == opCustom {
		switch {
		case sim.CallerArn != "":
			q.principal = sim.CallerArn
		default:
			for k, v := range ctx {
				if strings.EqualFold(k, "aws:PrincipalArn") && !v.Multi && len(v.Values) == 1 {
					q.principal = v.Values[0]
				}
			}
		}
		if q.principal == "" {
			q.principal = d.DefaultCaller
			if q.principal == "" {
				q.principal = DefaultCaller
			}
		}
	}
	if sim.CallerArn != "" {
		req, err := model.NewRequest(sim.CallerArn, "iam:GetUser", "*", nil)
		if err != nil {
			return nil, invalidInput("CallerArn: " + err.Error())
		}
		if t := req.PrincipalType(); t != model.PrincipalUser && t != model.PrincipalRole {
			return nil, invalidInput("CallerArn must be an IAM user or role ARN; you cannot specify the ARN of an assumed role, federated user, or a service principal")
		}
	}
	if o := sim.ResourceOwner; o != "" {
		acct := o
		if strings.HasPrefix(o, "arn:") {
			parts := strings.Split(o, ":")
			if len(parts) != 6 || parts[2] != "iam" || parts[5] != "root" || parts[4] == "" {
				return nil, invalidInput("ResourceOwner must be an account ARN such as arn:aws:iam::112233445566:root")
			}
			acct = parts[4]
		}
		q.resAccount = acct
	}
	return q, nil
}

// statements converts the model's matched statements into the simulator's form.
// Statements of SCPs are never listed, as the simulator documents.
func (q *question) statements(ms []model.Match) []Statement {
	out := []Statement{}
	for _, m := range ms {
		var src *source
		switch m.Type {
		case model.IdentityPolicy:
			if m.Policy < len(q.identity) {
				src = &q.identity[m.Policy]
			}
		case model.BoundaryPolicy:
			src = q.boundary
		case model.ResourcePolicy:
			src = q.resource
		}
		if src == nil {
			continue
		}
		st := Statement{SourcePolicyID: src.id, SourcePolicyType: src.typ}
		if m.Statement < len(src.spans) {
			st.Start, st.End = policypos.Reported(src.spans[m.Statement])
		}
		out = append(out, st)
	}
	return out
}

// boundaryAllows is PermissionsBoundaryDecisionDetail: the boundary has an
// applicable Allow and no applicable Deny.
func boundaryAllows(tr *model.Trace) bool {
	allow, deny := false, false
	for _, p := range tr.Policies {
		if p.Ref.Type != model.BoundaryPolicy {
			continue
		}
		for _, s := range p.Statements {
			if s.Applies {
				allow, deny = allow || !s.Deny, deny || s.Deny
			}
		}
	}
	return allow && !deny
}

// organizationsAllow is OrganizationsDecisionDetail: every SCP level has an
// applicable Allow and no SCP has an applicable Deny.
func organizationsAllow(tr *model.Trace, levels int) bool {
	allows := make([]bool, levels)
	for _, p := range tr.Policies {
		l := p.Ref.Level
		if p.Ref.Type != model.SCPPolicy || l >= levels {
			continue
		}
		for _, s := range p.Statements {
			if !s.Applies {
				continue
			}
			if s.Deny {
				return false
			}
			allows[l] = true
		}
	}
	for _, a := range allows {
		if !a {
			return false
		}
	}
	return true
}

// mostRestrictive is the top-level decision over resources: an explicit deny
// anywhere, else an implicit deny anywhere, else allowed.
func mostRestrictive(ds []model.Decision) model.Decision {
	out := model.Allowed
	for _, d := range ds {
		switch {
		case d == model.ExplicitDeny:
			return model.ExplicitDeny
		case d == model.ImplicitDeny:
			out = model.ImplicitDeny
		}
	}
	return out
}

func union(a, b []string) []string {
	for _, x := range b {
		dup := false
		for _, y := range a {
			if strings.EqualFold(x, y) {
				dup = true
				break
			}
		}
		if !dup {
			a = append(a, x)
		}
	}
	return a
}

func unionStatements(a, b []Statement) []Statement {
	for _, x := range b {
		dup := false
		for _, y := range a {
			if x.SourcePolicyID == y.SourcePolicyID && x.Start == y.Start {
				dup = true
				break
			}
		}
		if !dup {
			a = append(a, x)
		}
	}
	return a
}

var (
	catOnce sync.Once
	cat     *catalog.Catalog
)

// arnTemplate is the top-level EvalResourceName: the ARN template of the action's
// resource type that the simulated resources fit (from the action catalogue), or
// "*" when the action takes no resource or is not in the catalogue.
func arnTemplate(action string, resources []string) string {
	catOnce.Do(func() { cat, _ = catalog.Load() })
	if cat == nil {
		return "*"
	}
	a, ok := cat.Action(action)
	if !ok || a.TakesNoResource() {
		return "*"
	}
	var only string
	count := 0
	for _, rt := range a.ResourceTypes {
		for _, tpl := range rt.ARNTemplates {
			count++
			only = tpl
			for _, r := range resources {
				if catalog.MatchARNTemplate(tpl, r) {
					return tpl
				}
			}
		}
	}
	if count == 1 {
		return only
	}
	return "*"
}
