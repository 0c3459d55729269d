package awsiam

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// Batching. The simulator evaluates every action of a call against every resource
// under one set of policies and one context. Cases can therefore share a call only
// when everything but their action and resource is equal: the operation, every
// policy text, the context entries (principal keys included, so the principal's
// name, account and type), CallerArn and ResourceOwner. The group key hashes exactly
// these; cases with different keys are never mixed. Within a group:
//
//   - cases on resource "*" go to calls without ResourceArns (the simulator then
//     reports missing keys at the top level of each result), apart from the rest;
//   - with a resource-based policy each resource gets its own calls, because the
//     simulator rejects a call whose resource policy does not fit every resource
//     and one misfit would take the others' answers with it;
//   - resources are taken at most MaxResourcesPerCall at a time (large calls are
//     known to fail; PMapper uses 20) and, for those resources, the actions that
//     cases ask at most MaxActionsPerCall at a time.
//
// A call answers |actions| × |resources| pairs; a pair that no case asked is
// simply not read.

// Call is one planned API call (one request, plus more if AWS paginates).
type Call struct {
	// ID names the call in dry runs and records: the group hash and the chunk.
	ID string
	// Operation is SimulateCustomPolicy or SimulatePrincipalPolicy.
	Operation string
	// PolicyHash hashes the policy texts alone.
	PolicyHash string
	// ContextKeys is the number of context entries sent.
	ContextKeys int
	// Actions and Resources are sent as ActionNames and ResourceArns; Resources is
	// nil for a call about "*" (no ResourceArns).
	Actions   []string
	Resources []string
	// Cases are the indices of the cases this call answers.
	Cases []int

	grp *group
}

// group is what the calls of one group key share.
type group struct {
	key       string
	op        string
	texts     policyTexts
	entries   []types.ContextEntry
	caller    string // CallerArn, "" when not sent
	owner     string // ResourceOwner, "" when not sent
	sourceArn string // PolicySourceArn (principal mode)
	principal *directory.Principal
	star      bool
	// rtyp is the type the resource-based policy is read as: a role's trust
	// policy or another resource's policy (model.ResourcePolicyType). Trust groups
	// differ from the others by their ResourceOwner, so the key needs no more.
	rtyp model.PolicyType

	docs map[string]*doc // policy name (identity[0]) → parsed document, filled lazily
}

// policyTexts are a case's policies as exact texts.
type policyTexts struct {
	identity [][]byte
	boundary [][]byte
	scp      [][][]byte
	resource [][]byte
}

// doc is a parsed policy with its statement spans, for mapping positions.
type doc struct {
	policy *model.Policy
	spans  []model.Span
}

// Unsent is a case that is not asked, and why.
type Unsent struct {
	Index int
	Err   error
}

// Plan is the set of calls that answer a list of cases.
type Plan struct {
	Operation string
	Cases     int
	Calls     []*Call
	Unsent    []Unsent
}

type prepared struct {
	idx    int
	res    string
	action string
}

// Plan groups cases into calls without making any. Cases that cannot be asked are
// listed in Unsent with the reason.
func (o *Oracle) Plan(cases []*model.Case) *Plan {
	p := &Plan{Operation: o.operation(), Cases: len(cases)}
	groups := map[string]*group{}
	var order []*group
	members := map[*group][]prepared{}
	for i, c := range cases {
		g, err := o.prepare(c)
		if err != nil {
			p.Unsent = append(p.Unsent, Unsent{Index: i, Err: err})
			continue
		}
		if prev, ok := groups[g.key]; ok {
			g = prev
		} else {
			groups[g.key] = g
			order = append(order, g)
		}
		members[g] = append(members[g], prepared{idx: i, res: c.Request.Resource, action: c.Request.Action})
	}
	for _, g := range order {
		p.Calls = append(p.Calls, o.chunk(g, members[g])...)
	}
	return p
}

// PlanInBatches plans the cases batch by batch, as a differential run that hands
// the oracle batch cases at a time will ask them; indices refer to cases.
func (o *Oracle) PlanInBatches(cases []*model.Case, batch int) *Plan {
	if batch <= 0 {
		batch = len(cases)
	}
	all := &Plan{Operation: o.operation(), Cases: len(cases)}
	for start := 0; start < len(cases); start += batch {
		part := o.Plan(cases[start:min(start+batch, len(cases))])
		for _, c := range part.Calls {
			for j := range c.Cases {
				c.Cases[j] += start
			}
			all.Calls = append(all.Calls, c)
		}
		for _, u := range part.Unsent {
			u.Index += start
			all.Unsent = append(all.Unsent, u)
		}
	}
	return all
}

// chunk splits one group's cases into calls.
func (o *Oracle) chunk(g *group, ms []prepared) []*Call {
	var calls []*Call
	emit := func(resources []string, part []prepared) {
		// The actions these cases ask, first-seen order, case-insensitively distinct
		// (the simulator treats action names case-insensitively).
		var actions []string
		seen := map[string]bool{}
		for _, m := range part {
			if la := strings.ToLower(m.action); !seen[la] {
				seen[la] = true
				actions = append(actions, m.action)
			}
		}
		for start := 0; start < len(actions); start += o.opts.MaxActionsPerCall {
			acts := actions[start:min(start+o.opts.MaxActionsPerCall, len(actions))]
			in := map[string]bool{}
			for _, a := range acts {
				in[strings.ToLower(a)] = true
			}
			call := &Call{ID: fmt.Sprintf("%s/%d", g.key[:12], len(calls)+1), Operation: g.op, PolicyHash: g.texts.hash(),
				ContextKeys: len(g.entries), Actions: acts, Resources: resources, grp: g}
			for _, m := range part {
				if in[strings.ToLower(m.action)] {
					call.Cases = append(call.Cases, m.idx)
				}
			}
			calls = append(calls, call)
		}
	}
	if g.star {
		emit(nil, ms)
		return calls
	}
	var resources []string
	byRes := map[string][]prepared{}
	for _, m := range ms {
		if _, ok := byRes[m.res]; !ok {
			resources = append(resources, m.res)
		}
		byRes[m.res] = append(byRes[m.res], m)
	}
	per := o.opts.MaxResourcesPerCall
	if len(g.texts.resource) > 0 {
		per = 1
	}
	for start := 0; start < len(resources); start += per {
		rs := resources[start:min(start+per, len(resources))]
		var part []prepared
		for _, r := range rs {
			part = append(part, byRes[r]...)
		}
		sort.Slice(part, func(i, j int) bool { return part[i].idx < part[j].idx })
		emit(rs, part)
	}
	return calls
}

// subCall returns a call like c that answers only the given cases: its actions and
// resources are those the cases ask. It isolates a case that the simulator rejects.
func (c *Call) subCall(cases []*model.Case, idx []int, n int) *Call {
	sub := &Call{ID: fmt.Sprintf("%s.%d", c.ID, n), Operation: c.Operation, PolicyHash: c.PolicyHash,
		ContextKeys: c.ContextKeys, Cases: idx, grp: c.grp}
	seenA, seenR := map[string]bool{}, map[string]bool{}
	for _, i := range idx {
		r := cases[i].Request
		if la := strings.ToLower(r.Action); !seenA[la] {
			seenA[la] = true
			sub.Actions = append(sub.Actions, r.Action)
		}
		if c.Resources != nil && !seenR[r.Resource] {
			seenR[r.Resource] = true
			sub.Resources = append(sub.Resources, r.Resource)
		}
	}
	return sub
}

// prepare checks that a case can be asked and returns the group it belongs to.
func (o *Oracle) prepare(c *model.Case) (*group, error) {
	req, err := c.BuildRequest()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCase, err)
	}
	texts, err := readTexts(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCase, err)
	}
	g := &group{op: o.operation(), texts: texts, star: c.Request.Resource == "*", rtyp: model.ResourcePolicyType(c.Request.Resource)}
	ptype := req.PrincipalType()
	partition := strings.SplitN(c.Request.Principal, ":", 3)[1]
	crossAccount := req.ResourceAccountID() != req.Account()
	if ptype == model.PrincipalRoot {
		return nil, fmt.Errorf("%w: the simulator cannot simulate the root user (%s), who has full access unless denied", ErrUnsupported, c.Request.Principal)
	}
	if len(texts.resource) > 1 {
		return nil, fmt.Errorf("%w: %d resource-based policies; the simulator takes one ResourcePolicy", ErrUnsupported, len(texts.resource))
	}
	if len(c.Policies.RCP) > 0 {
		// Sending the case without them would compare a different question.
		return nil, fmt.Errorf("%w: the simulator does not simulate resource control policies (PolicyExclusionList: \"RCPs are not supported\")", ErrUnsupported)
	}
	// CallerArn names the simulated caller: needed with a resource-based policy (to
	// match its Principal) and for a resource in another account (so that the
	// simulator knows the caller's account). The simulator accepts only an IAM
	// user's ARN there.
	if len(texts.resource) == 1 || crossAccount {
		if ptype != model.PrincipalUser {
			why := "a resource-based policy"
			if crossAccount {
				why = "a resource in another account"
			}
			return nil, fmt.Errorf("%w: %s needs CallerArn, and the simulator accepts only an IAM user there, not %s", ErrUnsupported, why, c.Request.Principal)
		}
		g.caller = c.Request.Principal
	}
	// ResourceOwner names the account of a resource whose ARN has none (S3). A
	// role's trust policy is sent as the ResourcePolicy of the role's ARN, with the
	// role's account as ResourceOwner and the caller as CallerArn: the way the
	// simulator can be asked whether the trust policy lets the caller in.
	trust := len(texts.resource) == 1 && g.rtyp == model.TrustPolicy
	if crossAccount && !arnHasAccount(c.Request.Resource) || trust {
		g.owner = "arn:" + partition + ":iam::" + req.ResourceAccountID() + ":root"
	}
	if o.opts.Mode == PrincipalMode {
		if err := o.preparePrincipal(c, req, g); err != nil {
			return nil, err
		}
	}
	g.entries = contextEntries(c, req, keyFamilies(o.parsedPolicies(texts, g.rtyp)))
	g.key = g.hashKey()
	return g, nil
}

// preparePrincipal checks a case for SimulatePrincipalPolicy and sets its
// PolicySourceArn.
func (o *Oracle) preparePrincipal(c *model.Case, req *model.Request, g *group) error {
	switch req.PrincipalType() {
	case model.PrincipalUser, model.PrincipalRole:
		g.sourceArn = c.Request.Principal
	case model.PrincipalAssumedRole:
		// A role session is simulated as its role; the session's own keys
		// (aws:PrincipalType AssumedRole, …) are in the context entries.
		v, _ := req.Value("aws:PrincipalArn")
		if len(v.Values) != 1 {
			return fmt.Errorf("%w: no role ARN for %s", ErrInvalidCase, c.Request.Principal)
		}
		g.sourceArn = v.Values[0]
	default:
		return fmt.Errorf("%w: SimulatePrincipalPolicy simulates IAM users and roles, not %s", ErrUnsupported, c.Request.Principal)
	}
	if o.opts.Directory == nil {
		return nil
	}
	p, ok := o.opts.Directory.Lookup(g.sourceArn)
	if !ok {
		return fmt.Errorf("%w: %s is not in the directory", ErrPrincipalMismatch, g.sourceArn)
	}
	g.principal = p
	if len(g.texts.identity) != len(p.Policies) {
		return fmt.Errorf("%w: the case has %d identity policies, %s has %d attached", ErrPrincipalMismatch, len(g.texts.identity), g.sourceArn, len(p.Policies))
	}
	for i, t := range g.texts.identity {
		if string(t) != string(p.Policies[i].Text) {
			return fmt.Errorf("%w: identity[%d] is not the text of %s's policy %q", ErrPrincipalMismatch, i, g.sourceArn, p.Policies[i].Name)
		}
	}
	if len(g.texts.boundary) == 0 && p.Boundary != nil {
		return fmt.Errorf("%w: %s has the permissions boundary %q and the case has none", ErrPrincipalMismatch, g.sourceArn, p.Boundary.Name)
	}
	if len(g.texts.scp) != len(p.SCP) {
		return fmt.Errorf("%w: the case has %d SCP levels, the directory gives %s's account %d", ErrPrincipalMismatch, len(g.texts.scp), g.sourceArn, len(p.SCP))
	}
	for l, lv := range g.texts.scp {
		if len(lv) != len(p.SCP[l]) {
			return fmt.Errorf("%w: SCP level %d differs from the directory's", ErrPrincipalMismatch, l)
		}
		for i, t := range lv {
			if string(t) != string(p.SCP[l][i].Text) {
				return fmt.Errorf("%w: scp[%d][%d] is not the directory's %q", ErrPrincipalMismatch, l, i, p.SCP[l][i].Name)
			}
		}
	}
	return nil
}

func arnHasAccount(resource string) bool {
	parts := strings.SplitN(resource, ":", 6)
	return len(parts) == 6 && parts[4] != ""
}

func readTexts(c *model.Case) (policyTexts, error) {
	var t policyTexts
	list := func(name string, vs []jsontext.Value) ([][]byte, error) {
		var out [][]byte
		for i, v := range vs {
			b, err := model.PolicyText(v, c.Dir)
			if err != nil {
				return nil, &model.CaseError{Policy: fmt.Sprintf("%s[%d]", name, i), Err: err}
			}
			out = append(out, b)
		}
		return out, nil
	}
	var err error
	if t.identity, err = list("identity", c.Policies.Identity); err != nil {
		return t, err
	}
	if t.boundary, err = list("boundary", c.Policies.Boundary); err != nil {
		return t, err
	}
	if len(t.boundary) > 1 {
		return t, &model.PolicyError{Path: "policies.boundary", Offset: -1, Kind: model.ErrTooManyBoundaries, Msg: "a principal has at most one permissions boundary"}
	}
	for l, lv := range c.Policies.SCP {
		ts, err := list(fmt.Sprintf("scp[%d]", l), lv)
		if err != nil {
			return t, err
		}
		t.scp = append(t.scp, ts)
	}
	t.resource, err = list("resource", c.Policies.Resource)
	return t, err
}

// parsedPolicies returns the documents that the simulator evaluates conditions of,
// parsed through the oracle's cache; a document the model rejects is left out (the
// simulator will judge it).
func (o *Oracle) parsedPolicies(t policyTexts, rtyp model.PolicyType) []*model.Policy {
	var out []*model.Policy
	add := func(text []byte, typ model.PolicyType) {
		if c, err := o.cache.Compile(text, typ); err == nil {
			out = append(out, c.Policy)
		}
	}
	for _, x := range t.identity {
		add(x, model.IdentityPolicy)
	}
	for _, x := range t.boundary {
		add(x, model.BoundaryPolicy)
	}
	for _, lv := range t.scp {
		for _, x := range lv {
			add(x, model.SCPPolicy)
		}
	}
	for _, x := range t.resource {
		add(x, rtyp)
	}
	return out
}

func (t policyTexts) hash() string {
	h := sha256.New()
	w := func(tag string, b []byte) { fmt.Fprintf(h, "%s %d\n", tag, len(b)); h.Write(b) }
	for _, x := range t.identity {
		w("identity", x)
	}
	for _, x := range t.boundary {
		w("boundary", x)
	}
	for l, lv := range t.scp {
		for _, x := range lv {
			w(fmt.Sprintf("scp%d", l), x)
		}
	}
	for _, x := range t.resource {
		w("resource", x)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// hashKey hashes everything a call's answer depends on except its actions and
// resources.
func (g *group) hashKey() string {
	type entry struct {
		Name   string   `json:"n"`
		Type   string   `json:"t"`
		Values []string `json:"v"`
	}
	var k struct {
		Op       string     `json:"op"`
		Source   string     `json:"source"`
		Caller   string     `json:"caller"`
		Owner    string     `json:"owner"`
		Star     bool       `json:"star"`
		Identity []string   `json:"identity"`
		Boundary []string   `json:"boundary"`
		SCP      [][]string `json:"scp"`
		Resource []string   `json:"resourcePolicy"`
		Entries  []entry    `json:"entries"`
	}
	k.Op, k.Source, k.Caller, k.Owner, k.Star = g.op, g.sourceArn, g.caller, g.owner, g.star
	str := func(bs [][]byte) []string {
		out := make([]string, len(bs))
		for i, b := range bs {
			out[i] = string(b)
		}
		return out
	}
	k.Identity, k.Boundary, k.Resource = str(g.texts.identity), str(g.texts.boundary), str(g.texts.resource)
	for _, lv := range g.texts.scp {
		k.SCP = append(k.SCP, str(lv))
	}
	for _, e := range g.entries {
		k.Entries = append(k.Entries, entry{aws.ToString(e.ContextKeyName), string(e.ContextKeyType), e.ContextKeyValues})
	}
	data, _ := json.Marshal(k, json.Deterministic(true))
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// customInput returns the SimulateCustomPolicy input of a call (without paging).
func (c *Call) customInput() *iam.SimulateCustomPolicyInput {
	g := c.grp
	in := &iam.SimulateCustomPolicyInput{
		ActionNames:     c.Actions,
		PolicyInputList: strs(g.texts.identity),
		ContextEntries:  g.entries,
		ResourceArns:    c.Resources,
	}
	if len(in.PolicyInputList) == 0 {
		// The parameter is required; an empty list is what a case without identity
		// policies means, and the service judges whether it accepts it.
		in.PolicyInputList = []string{}
	}
	if len(g.texts.boundary) > 0 {
		in.PermissionsBoundaryPolicyInputList = strs(g.texts.boundary)
	}
	for _, lv := range g.texts.scp {
		in.OrderedOrganizationPolicyInputList = append(in.OrderedOrganizationPolicyInputList,
			types.OrderedOrganizationPolicyType{ServiceControlPolicyInputList: strs(lv)})
	}
	if len(g.texts.resource) == 1 {
		in.ResourcePolicy = aws.String(string(g.texts.resource[0]))
	}
	if g.caller != "" {
		in.CallerArn = aws.String(g.caller)
	}
	if g.owner != "" {
		in.ResourceOwner = aws.String(g.owner)
	}
	return in
}

// principalInput returns the SimulatePrincipalPolicy input of a call. The case's
// identity policies and SCPs stand for what is attached to the principal and its
// account, which AWS reads itself; they are not sent. A boundary is sent: it
// replaces the attached one, so the case decides it.
func (c *Call) principalInput() *iam.SimulatePrincipalPolicyInput {
	g := c.grp
	in := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(g.sourceArn),
		ActionNames:     c.Actions,
		ContextEntries:  g.entries,
		ResourceArns:    c.Resources,
	}
	if len(g.texts.boundary) > 0 {
		in.PermissionsBoundaryPolicyInputList = strs(g.texts.boundary)
	}
	if len(g.texts.resource) == 1 {
		in.ResourcePolicy = aws.String(string(g.texts.resource[0]))
	}
	if g.caller != "" {
		in.CallerArn = aws.String(g.caller)
	}
	if g.owner != "" {
		in.ResourceOwner = aws.String(g.owner)
	}
	return in
}

func strs(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

// sent describes the call for a record.
func (c *Call) sent(endpoint string) *replay.Sent {
	g := c.grp
	s := &replay.Sent{Endpoint: endpoint, Call: c.ID, Actions: len(c.Actions), Resources: len(c.Resources),
		PolicySourceArn: g.sourceArn, CallerArn: g.caller, ResourceOwner: g.owner, ContextEntries: []replay.ContextEntry{}}
	if c.Resources == nil {
		s.Resources = 1 // "*"
	}
	for _, e := range g.entries {
		s.ContextEntries = append(s.ContextEntries, replay.ContextEntry{Key: aws.ToString(e.ContextKeyName), Type: string(e.ContextKeyType), Values: e.ContextKeyValues})
	}
	return s
}

// Summary counts a plan.
type Summary struct {
	Calls        int            `json:"calls"`
	Cases        int            `json:"cases"`
	SentCases    int            `json:"sentCases"`
	Unsent       map[string]int `json:"unsent"` // by error kind
	MaxCases     int            `json:"maxCasesPerCall"`
	CasesPerCall map[int]int    `json:"casesPerCall"` // cases in a call → number of such calls
	Pairs        int            `json:"pairs"`        // action × resource pairs asked
}

// Summary counts the plan's calls and cases.
func (p *Plan) Summary() Summary {
	s := Summary{Calls: len(p.Calls), Cases: p.Cases, Unsent: map[string]int{}, CasesPerCall: map[int]int{}}
	for _, c := range p.Calls {
		s.SentCases += len(c.Cases)
		s.MaxCases = max(s.MaxCases, len(c.Cases))
		s.CasesPerCall[len(c.Cases)]++
		s.Pairs += len(c.Actions) * max(len(c.Resources), 1)
	}
	for _, u := range p.Unsent {
		s.Unsent[KindOf(u.Err)]++
	}
	return s
}

// WriteTo prints the plan as a dry run does: one line per call, then the totals.
func (p *Plan) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	for i, c := range p.Calls {
		res := fmt.Sprintf("%d", len(c.Resources))
		if c.Resources == nil {
			res = "* (no ResourceArns)"
		}
		extra := ""
		if c.grp.sourceArn != "" {
			extra = " source=" + c.grp.sourceArn
		}
		if c.grp.caller != "" {
			extra += " caller=" + c.grp.caller
		}
		fmt.Fprintf(cw, "call %d: %s actions=%d resources=%s cases=%d policies=%s context=%d keys id=%s%s\n",
			i+1, c.Operation, len(c.Actions), res, len(c.Cases), c.PolicyHash, c.ContextKeys, c.ID, extra)
	}
	s := p.Summary()
	fmt.Fprintf(cw, "plan: %d calls for %d cases (%d sent", s.Calls, s.Cases, s.SentCases)
	if s.Calls > 0 {
		fmt.Fprintf(cw, ", %.2f cases per call, at most %d", float64(s.SentCases)/float64(s.Calls), s.MaxCases)
	}
	fmt.Fprintf(cw, ", %d action×resource pairs)\n", s.Pairs)
	if len(s.CasesPerCall) > 0 {
		var ks []int
		for k := range s.CasesPerCall {
			ks = append(ks, k)
		}
		sort.Ints(ks)
		var parts []string
		for _, k := range ks {
			parts = append(parts, fmt.Sprintf("%d×%d", s.CasesPerCall[k], k))
		}
		fmt.Fprintf(cw, "cases per call: %s (calls×cases)\n", strings.Join(parts, " "))
	}
	if len(p.Unsent) > 0 {
		var kinds []string
		for k := range s.Unsent {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s %d", k, s.Unsent[k]))
		}
		fmt.Fprintf(cw, "not sent: %d cases (%s); each gets a per-case error\n", len(p.Unsent), strings.Join(parts, ", "))
	}
	fmt.Fprintf(cw, "each call is one request unless AWS paginates (IsTruncated) or throttles (retries); no request was made\n")
	return cw.n, cw.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
	return n, err
}
