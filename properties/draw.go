package properties

import (
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

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
