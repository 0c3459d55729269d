package properties

import (
	"regexp"
	"sort"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Probe is one generated request, kept structured (the caller is a Caller, not
// an ARN) so that resources can be derived from the caller and minimization can
// simplify it piece by piece. Request and CaseRequest turn it into the model's
// request and the eval format's.
type Probe struct {
	Caller   Caller
	Action   string
	Resource string
	Context  []ContextEntry // in a stable order
}

// ContextEntry is one context key of a probe.
type ContextEntry struct {
	Key   string
	Value model.ContextValue
}

// Request builds the model's request; the model rejects malformed probes.
func (p Probe) Request() (*model.Request, error) {
	var ctx map[string]model.ContextValue
	if len(p.Context) > 0 {
		ctx = make(map[string]model.ContextValue, len(p.Context))
		for _, e := range p.Context {
			ctx[e.Key] = e.Value
		}
	}
	return model.NewRequest(p.Caller.ARN(), p.Action, p.Resource, ctx)
}

// CaseRequest returns the probe in the eval format.
func (p Probe) CaseRequest() model.CaseRequest {
	cr := model.CaseRequest{Principal: p.Caller.ARN(), Action: p.Action, Resource: p.Resource}
	for _, e := range p.Context {
		if cr.Context == nil {
			cr.Context = map[string]jsontext.Value{}
		}
		cr.Context[e.Key] = contextJSON(e.Value)
	}
	return cr
}

// CaseRequestOf returns a model request in the eval format.
func CaseRequestOf(r *model.Request) model.CaseRequest {
	cr := model.CaseRequest{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount}
	for k, v := range r.Context {
		if cr.Context == nil {
			cr.Context = map[string]jsontext.Value{}
		}
		cr.Context[k] = contextJSON(v)
	}
	return cr
}

func contextJSON(v model.ContextValue) jsontext.Value {
	if !v.Multi && len(v.Values) == 1 {
		q, _ := jsontext.AppendQuote(nil, v.Values[0])
		return q
	}
	b := []byte{'['}
	for i, s := range v.Values {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, s)
	}
	return append(b, ']')
}

// The fixed vocabulary. Index 0 of each list is the simplest choice: shrinking
// moves towards it. Names are prefixes, suffixes and case variants of each other
// (a policy that matches user/${aws:username}* lets alice reach alice2), and one
// uses every character IAM allows in names besides letters and digits.
var (
	drawAccounts = []string{"111122223333", "444455556666"}
	drawNames    = []string{"alice", "alice2", "Alice", "al", "malice", "bob", "a+b=c,d.e@f_g-h"}
	drawPaths    = []string{"dev/", "division_abc/subdivision_xyz/"}
	drawRoles    = []string{"dev", "admin"}
	drawSessions = []string{"s1", "alice"}
	// nameAlphabet is every character IAM allows in user names.
	nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-"
	// drawBogusActions do not exist; requests for them are decided, never judged.
	drawBogusActions = []string{"iam:ChangePasswords", "iam:GetUsers", "iam:Get", "sts:GetSessionTokens", "foo:Bar", "iam:CreateAccessKeyX"}
	// drawOddResources are resources of any shape, to exercise matching beyond
	// what an action takes.
	drawOddResources = []string{"*", "arn:aws:s3:::bucket/key", "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
		"arn:aws:iam::111122223333:role/dev", "arn:aws:iam::111122223333:group/devs", "arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:mfa/alice", "arn:aws:iam::111122223333:sms-mfa/alice", "arn:aws:iam::444455556666:user/division_abc/alice"}
	// drawOddMFA are aws:MultiFactorAuthPresent values AWS never sends.
	drawOddMFA = []model.ContextValue{model.Single("TRUE"), model.Single("False"), model.Single("1"), model.Single(""),
		model.Single("yes"), model.Multi("true"), model.Multi("true", "false"), model.Multi()}
	drawAges = []string{"120", "0", "3600", "86400", "100000000"}
	// drawExtraKeys are context keys unrelated to the invariants.
	drawExtraKeys = []extraKey{
		{"aws:SourceIp", []string{"203.0.113.9", "198.51.100.7", "2001:db8::1"}},
		{"aws:RequestedRegion", []string{"us-east-1", "eu-west-1"}},
		{"aws:SecureTransport", []string{"true", "false"}},
		{"aws:CurrentTime", []string{"2025-06-01T00:00:00Z", "2031-01-01T00:00:00Z"}},
		{"aws:PrincipalTag/team", []string{"blue", "red"}},
	}
)

type extraKey struct {
	key    string
	values []string
}

// vocab is what a target's generators draw from: the fixed vocabulary plus what
// the policy and the spec mention (their actions, literal accounts, user names
// and paths, condition keys and values).
type vocab struct {
	accounts []string
	// homeCallers draws every caller from accounts[0]: the policy is known to be
	// attached in that account (a CloudFormation stack's, see TargetFor), so a
	// caller elsewhere cannot hold it. Resources still come from every account.
	homeCallers   bool
	names         []string
	paths         []string
	policyActions []string // as written when unknown, else canonical
	specActions   []string // canonical
	extraKeys     []extraKey
	liveness      []livenessDraw
	// ownedActions are the policy's and the spec's actions that take an IAM user
	// or MFA device: the ones owner-only is about.
	ownedActions []string
	// resources are the resource patterns the policies and the spec name, as
	// written; the whole-bundle checks instantiate them for a caller.
	resources []string
	// policyKeys counts the extraKeys that come from the policy's conditions and
	// the spec's fixed contexts (they come first).
	policyKeys int
}

type livenessDraw struct {
	rule    *LivenessRule
	actions []string
}

var (
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	varRe     = regexp.MustCompile(`\$\{[^}]*\}`)
)

// maxExpansion bounds how many catalogue actions one policy pattern contributes
// to the policy's own actions; a broader pattern ("*", "s3:*") is covered by the
// draws from the whole catalogue.
const maxExpansion = 400

func buildVocab(pol *model.Policy, spec *Spec) *vocab {
	v := &vocab{
		accounts: append([]string(nil), drawAccounts...),
		names:    append([]string(nil), drawNames...),
		paths:    append([]string(nil), drawPaths...),
	}
	seen := map[string]bool{}
	addAction := func(list *[]string, a string) {
		if k := strings.ToLower(a); !seen[k] {
			seen[k] = true
			*list = append(*list, a)
		}
	}
	addEntry := func(list *[]string, e string) {
		exp := expandAction(e)
		switch {
		case len(exp) == 0 && !isPattern(e):
			addAction(list, e) // unknown: decided, never judged
		case len(exp) <= maxExpansion:
			for _, a := range exp {
				addAction(list, a)
			}
		}
	}
	keySeen := map[string]int{}
	for i := range pol.Statements {
		st := &pol.Statements[i]
		for _, l := range []*model.StringList{st.Action, st.NotAction} {
			if l != nil {
				for _, a := range l.Values {
					addEntry(&v.policyActions, a)
				}
			}
		}
		for _, l := range []*model.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for _, r := range l.Values {
					v.harvestARN(r)
					if l == st.Resource && !contains(v.resources, r) {
						v.resources = append(v.resources, r)
					}
				}
			}
		}
		for _, op := range st.Condition {
			for _, k := range op.Keys {
				if strings.EqualFold(k.Key, keyMFAPresent) || strings.EqualFold(k.Key, keyMFAAge) || isPrincipalKey(k.Key) || !strings.Contains(k.Key, ":") {
					continue
				}
				idx, ok := keySeen[strings.ToLower(k.Key)]
				if !ok {
					idx = len(v.extraKeys)
					keySeen[strings.ToLower(k.Key)] = idx
					v.extraKeys = append(v.extraKeys, extraKey{key: k.Key})
				}
				for _, val := range k.Values {
					if !strings.Contains(val.Text, "${") && !contains(v.extraKeys[idx].values, val.Text) {
						v.extraKeys[idx].values = append(v.extraKeys[idx].values, val.Text)
					}
				}
			}
		}
	}
	// The spec's fixed contexts: their keys and values are drawn like the policy's.
	var fixed []FixedContext
	for _, r := range spec.Never {
		fixed = append(fixed, r.Context)
		v.resources = appendNew(v.resources, r.Resources...)
	}
	for _, r := range spec.Liveness {
		fixed = append(fixed, r.Context)
	}
	for _, fc := range fixed {
		for _, e := range fc {
			idx, ok := keySeen[strings.ToLower(e.Key)]
			if !ok {
				idx = len(v.extraKeys)
				keySeen[strings.ToLower(e.Key)] = idx
				v.extraKeys = append(v.extraKeys, extraKey{key: e.Key})
			}
			for _, val := range e.Value.Values {
				if !contains(v.extraKeys[idx].values, val) {
					v.extraKeys[idx].values = append(v.extraKeys[idx].values, val)
				}
			}
		}
	}
	v.policyKeys = len(v.extraKeys)
	for _, ek := range drawExtraKeys {
		if _, dup := keySeen[strings.ToLower(ek.key)]; !dup {
			v.extraKeys = append(v.extraKeys, ek)
		}
	}
	// A key whose only policy values were variables still gets a plain value.
	for i := range v.extraKeys {
		if len(v.extraKeys[i].values) == 0 {
			v.extraKeys[i].values = []string{"example"}
		}
	}
	if g := spec.MFAGate; g != nil {
		for _, a := range g.AllowWithoutMFA {
			addEntry(&v.specActions, a)
		}
	}
	if o := spec.OwnerOnly; o != nil {
		for _, e := range o.Exceptions {
			for _, a := range e.Actions {
				addEntry(&v.specActions, a)
			}
		}
	}
	for _, r := range spec.Never {
		for _, a := range r.Actions {
			addEntry(&v.specActions, a)
		}
	}
	if o := spec.Only; o != nil {
		for _, e := range o.Allow {
			for _, a := range e.Actions {
				addEntry(&v.specActions, a)
			}
			v.resources = appendNew(v.resources, e.Resources...)
		}
	}
	for _, r := range spec.Liveness {
		ld := livenessDraw{rule: r}
		for _, a := range r.Actions {
			ld.actions = append(ld.actions, expandAction(a)...)
			addEntry(&v.specActions, a)
		}
		if len(ld.actions) > 0 {
			v.liveness = append(v.liveness, ld)
		}
	}
	for _, list := range [][]string{v.policyActions, v.specActions} {
		for _, a := range list {
			act, ok := lookupAction(a)
			if !ok {
				continue
			}
			for _, rt := range act.ResourceTypes {
				if act.Service == "iam" && (rt.Name == "user" || rt.Name == "mfa") && !contains(v.ownedActions, act.FullName()) {
					v.ownedActions = append(v.ownedActions, act.FullName())
					break
				}
			}
		}
	}
	if len(v.policyActions) == 0 {
		v.policyActions = v.specActions
	}
	if len(v.specActions) == 0 {
		v.specActions = v.policyActions
	}
	if len(v.policyActions) == 0 {
		v.policyActions = []string{"iam:GetUser"}
		v.specActions = v.policyActions
	}
	return v
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if it != "*" && !contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

func isPrincipalKey(k string) bool {
	for _, p := range principalKeys {
		if strings.EqualFold(p, k) {
			return true
		}
	}
	return false
}

// harvestARN adds a policy resource's literal account, user name and path.
func (v *vocab) harvestARN(r string) {
	parts := strings.SplitN(r, ":", 6)
	if len(parts) != 6 {
		return
	}
	if accountRe.MatchString(parts[4]) && !contains(v.accounts, parts[4]) {
		v.accounts = append(v.accounts, parts[4])
	}
	if parts[2] != "iam" || strings.ContainsAny(parts[5], "*?$") {
		return
	}
	for _, typ := range []string{"user/", "mfa/"} {
		if rest, ok := strings.CutPrefix(parts[5], typ); ok {
			i := strings.LastIndexByte(rest, '/')
			path, name := rest[:i+1], rest[i+1:]
			if validName(name) && !contains(v.names, name) {
				v.names = append(v.names, name)
			}
			if path != "" && !contains(v.paths, path) {
				v.paths = append(v.paths, path)
			}
		}
	}
}

var nameRe = regexp.MustCompile("^" + namePattern + "$")

func validName(n string) bool { return n != "" && len(n) <= 64 && nameRe.MatchString(n) }

// Draw draws one probe for the target from s. Half of the draws are free: any
// caller (users with and without paths, role sessions, federated users, root;
// names that are prefixes, suffixes and case variants of each other), actions
// (the policy's own, the spec's, the whole AWS catalogue, case variants, actions
// that do not exist), resources fitted to the action (the caller's own user and
// MFA device, another user's, another account's, pathed ones, "*", other
// services') and context (MFA absent, "false", "true" or odd, with or without
// aws:MultiFactorAuthAge, unrelated keys). The other half aim at one invariant
// each, using only what the policy and the spec say: a policy action without MFA
// (mfa-gate), a policy action that takes a user or MFA resource on another
// user's resource (owner-only), or a liveness rule's request (a caller of the
// rule's shape, one of its actions, the caller's own resource, the rule's MFA
// state). All choices go through s, so every engine drives the same generator,
// and zero choices give the simplest probe.
func (t *Target) Draw(s Source) Probe {
	v := t.voc
	switch k := s.Intn(10); {
	case k < 5:
	case k < 7:
		c := v.drawCaller(s)
		action := Pick(s, v.policyActions)
		return Probe{Caller: c, Action: action, Resource: v.drawResource(s, c, action), Context: v.drawContext(s, int(Pick(s, MFAWithout.States())))}
	case k < 8 && len(v.ownedActions) > 0:
		c := v.drawCaller(s)
		action := Pick(s, v.ownedActions)
		act, _ := lookupAction(action)
		options := v.userResources(c)
		if !act.AcceptsResource(options[0]) {
			options = v.mfaResources(c)
		}
		state := MFATrue
		if Bool(s) {
			state = Pick(s, MFAWithout.States())
		}
		return Probe{Caller: c, Action: action, Resource: Pick(s, options[1:]), Context: v.drawContext(s, int(state))}
	case len(v.liveness) > 0:
		return v.drawLiveness(s)
	}
	c := v.drawCaller(s)
	action := v.drawAction(s)
	return Probe{Caller: c, Action: action, Resource: v.drawResource(s, c, action), Context: v.drawContext(s, -1)}
}

func (v *vocab) drawLiveness(s Source) Probe {
	ld := Pick(s, v.liveness)
	c := Caller{Kind: UserCaller, Account: v.drawAccount(s), Name: v.drawName(s)}
	switch ld.rule.Principal {
	case ShapePathedUser:
		c.Path = Pick(s, v.paths)
	case ShapeRoleSession:
		c = Caller{Kind: RoleSessionCaller, Account: c.Account, Name: Pick(s, drawRoles), Session: Pick(s, drawSessions)}
	case ShapeFederatedUser:
		c.Kind = FederatedCaller
	}
	action := Pick(s, ld.actions)
	state := Pick(s, ld.rule.MFA.States())
	return Probe{Caller: c, Action: action, Resource: ld.rule.Resource.Instantiate(c), Context: withFixed(v.drawContext(s, int(state)), ld.rule.Context)}
}

func (v *vocab) drawAccount(s Source) string {
	if !v.homeCallers && Chance(s, 4) {
		return Pick(s, v.accounts[1:])
	}
	return v.accounts[0]
}

func (v *vocab) drawName(s Source) string {
	if Chance(s, 10) {
		n := make([]byte, Between(s, 1, 12))
		for i := range n {
			n[i] = nameAlphabet[s.Intn(len(nameAlphabet))]
		}
		return string(n)
	}
	return Pick(s, v.names)
}

func (v *vocab) drawCaller(s Source) Caller {
	k := s.Intn(16)
	acct := v.drawAccount(s)
	switch {
	case k < 12:
		c := Caller{Kind: UserCaller, Account: acct, Name: v.drawName(s)}
		if Chance(s, 4) {
			c.Path = Pick(s, v.paths)
		}
		return c
	case k < 14:
		return Caller{Kind: RoleSessionCaller, Account: acct, Name: Pick(s, drawRoles), Session: Pick(s, drawSessions)}
	case k < 15:
		return Caller{Kind: FederatedCaller, Account: acct, Name: v.drawName(s)}
	}
	return Caller{Kind: RootCaller, Account: acct}
}

func (v *vocab) drawAction(s Source) string {
	k := s.Intn(20)
	switch {
	case k < 8:
		return Pick(s, v.policyActions)
	case k < 12:
		return Pick(s, v.specActions)
	case k < 14 && len(catIAM) > 0:
		return Pick(s, catIAM).FullName()
	case k < 17:
		return Pick(s, catActions).FullName()
	case k < 19:
		a := Pick(s, v.policyActions)
		if Bool(s) {
			a = Pick(s, v.specActions)
		}
		return caseVariant(s, a)
	}
	return Pick(s, drawBogusActions)
}

// caseVariant respells an action in another case; IAM matches actions
// case-insensitively, so the decision must not change.
func caseVariant(s Source, a string) string {
	svc, name, _ := strings.Cut(a, ":")
	switch s.Intn(4) {
	case 0:
		return strings.ToLower(a)
	case 1:
		return strings.ToUpper(a)
	case 2:
		return strings.ToUpper(svc) + ":" + name
	}
	return svc + ":" + strings.ToLower(name)
}

// drawResource draws a resource for the action: most of the time one of a type
// the action takes (so that the invariants can judge the request), sometimes
// anything.
func (v *vocab) drawResource(s Source, c Caller, action string) string {
	act, known := lookupAction(action)
	if !known || Chance(s, 12) {
		return Pick(s, drawOddResources)
	}
	if act.TakesNoResource() {
		return "*"
	}
	rt := Pick(s, act.ResourceTypes)
	var options []string
	switch {
	case act.Service == "iam" && rt.Name == "user":
		options = v.userResources(c)
	case act.Service == "iam" && rt.Name == "mfa":
		options = v.mfaResources(c)
	default:
		if len(rt.ARNTemplates) == 0 {
			return "*"
		}
		acct := c.Account
		if Chance(s, 4) {
			acct = Pick(s, v.accounts)
		}
		return fillARNTemplate(Pick(s, rt.ARNTemplates), acct)
	}
	// The caller's own resource is the first option and the most frequent: most
	// invariant-breaking edits show on it.
	if s.Intn(20) < 9 {
		return options[0]
	}
	return Pick(s, options[1:])
}

// fillARNTemplate turns a catalogue ARN template into an ARN.
func fillARNTemplate(tpl, account string) string {
	return varRe.ReplaceAllStringFunc(tpl, func(m string) string {
		switch {
		case m == "${Partition}":
			return "aws"
		case m == "${Region}":
			return "us-east-1"
		case strings.Contains(m, "Account"):
			return account
		}
		return "example"
	})
}

// ownName is the caller's user name, or for other callers the name whose
// resources stand for "some user's".
func ownName(c Caller) string {
	if c.Kind == UserCaller || c.Kind == FederatedCaller {
		return c.Name
	}
	return drawNames[0]
}

// relatedNames returns other users' names related to n: a longer name, a
// prefix, a name that ends in n, and an unrelated one. None equals n in any case.
func relatedNames(n string) []string {
	out := []string{n + "2"}
	if len(n) > 2 {
		out = append(out, n[:2])
	} else {
		out = append(out, n+"x")
	}
	out = append(out, "m"+n)
	for _, o := range drawNames {
		if !strings.EqualFold(o, n) && !strings.HasPrefix(strings.ToLower(o), strings.ToLower(n)) && !strings.HasPrefix(strings.ToLower(n), strings.ToLower(o)) {
			out = append(out, o)
			break
		}
	}
	return out
}

// otherCase respells a name in another case: the same IAM user.
func otherCase(n string) string {
	up := strings.ToUpper(n)
	if up != n {
		return up
	}
	return strings.ToLower(n)
}

func (v *vocab) otherAccount(acct string) string {
	for _, a := range v.accounts {
		if a != acct {
			return a
		}
	}
	return drawAccounts[1]
}

// userResources lists user ARNs for a caller, the caller's own first: the same
// user spelled otherwise (another path, another case), other users related by
// name, the same name in another account, and a pathed other user.
func (v *vocab) userResources(c Caller) []string {
	n, acct := ownName(c), c.Account
	arn := func(a, path, name string) string { return "arn:aws:iam::" + a + ":user/" + path + name }
	path := ""
	if c.Kind == UserCaller {
		path = c.Path
	}
	other := v.paths[0]
	if path == other {
		other = ""
	}
	out := []string{arn(acct, path, n), arn(acct, other, n), arn(acct, path, otherCase(n))}
	for _, r := range relatedNames(n) {
		out = append(out, arn(acct, "", r))
	}
	out = append(out, arn(v.otherAccount(acct), path, n), arn(acct, v.paths[len(v.paths)-1], relatedNames(n)[0]))
	return out
}

// mfaResources lists MFA device ARNs for a caller, the device named after the
// caller first: a pathed device of the same name, devices named after other
// users, and the same name in another account.
func (v *vocab) mfaResources(c Caller) []string {
	n, acct := ownName(c), c.Account
	arn := func(a, rest string) string { return "arn:aws:iam::" + a + ":mfa/" + rest }
	out := []string{arn(acct, n), arn(acct, v.paths[0]+n), arn(acct, n+"-phone")}
	for _, r := range relatedNames(n) {
		out = append(out, arn(acct, r))
	}
	return append(out, arn(v.otherAccount(acct), n))
}

// drawContext draws the request context. state < 0 draws the MFA state too;
// otherwise it is that MFAState.
func (v *vocab) drawContext(s Source, state int) []ContextEntry {
	var ctx []ContextEntry
	if state < 0 {
		switch k := s.Intn(10); {
		case k < 4:
			state = int(MFAKeyAbsent)
		case k < 6:
			state = int(MFAKeyFalse)
		case k < 9:
			state = int(MFATrue)
		default:
			state = int(MFAOdd)
		}
	}
	switch MFAState(state) {
	case MFAKeyFalse:
		ctx = append(ctx, ContextEntry{keyMFAPresent, model.Single("false")})
	case MFATrue:
		ctx = append(ctx, ContextEntry{keyMFAPresent, model.Single("true")})
	case MFAOdd:
		ctx = append(ctx, ContextEntry{keyMFAPresent, Pick(s, drawOddMFA)})
	}
	// aws:MultiFactorAuthAge comes with MFA; now and then it does not (or comes
	// without it), which AWS never sends: decided, not judged.
	if (MFAState(state) == MFATrue) != Chance(s, 16) {
		ctx = append(ctx, ContextEntry{keyMFAAge, model.Single(Pick(s, drawAges))})
	}
	for _, ek := range v.extraKeys {
		if Chance(s, 6) {
			ctx = append(ctx, ContextEntry{ek.key, model.Single(Pick(s, ek.values))})
		}
	}
	return ctx
}

// Directed returns the probes that a spec's liveness rules name outright: every
// action of every rule, in each MFA state the rule covers, for one caller of the
// rule's shape (alice in 111122223333, with path dev/ for pathed users). Run
// checks them before drawing, so a liveness verdict never rests on chance.
func (t *Target) Directed() []Probe {
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
	out = append(out, t.neverDirected()...)
	return append(out, t.envelopeDirected()...)
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
