package properties

import (
	"encoding/binary"
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
func (t *Target) Draw(s Source) Probe { return t.draw(s, nil) }

// draw is Draw taking its strings from a worker's memo (nil: none).
func (t *Target) draw(s Source, w *prober) Probe {
	v := t.voc
	switch k := s.Intn(10); {
	case k < 5:
	case k < 7:
		c := v.drawCaller(s, w)
		action := Pick(s, v.policyActions)
		return Probe{Caller: c, Action: action, Resource: v.drawResource(s, w, c, action), Context: v.drawContext(s, w, int(Pick(s, MFAWithout.States())))}
	case k < 8 && len(v.ownedActions) > 0:
		c := v.drawCaller(s, w)
		action := Pick(s, v.ownedActions)
		act, _ := lookupAction(action)
		kind := strUserRes
		if own := v.resource(w, strUserRes, c, 0); w == nil && !act.AcceptsResource(own) || w != nil && !w.accepts(act, own) {
			kind = strMFARes
		}
		state := MFATrue
		if Bool(s) {
			state = Pick(s, MFAWithout.States())
		}
		// Pick(s, options[1:]) over the options of userResources or mfaResources.
		res := v.resource(w, kind, c, 1+s.Intn(v.resourceCount(kind, c)-1))
		return Probe{Caller: c, Action: action, Resource: res, Context: v.drawContext(s, w, int(state))}
	case len(v.liveness) > 0:
		return v.drawLiveness(s, w)
	}
	c := v.drawCaller(s, w)
	action := v.drawAction(s, w)
	return Probe{Caller: c, Action: action, Resource: v.drawResource(s, w, c, action), Context: v.drawContext(s, w, -1)}
}

func (v *vocab) drawLiveness(s Source, w *prober) Probe {
	ld := Pick(s, v.liveness)
	c := Caller{Kind: UserCaller, Account: v.drawAccount(s), Name: v.drawName(s, w)}
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
	tpl := ld.rule.Resource
	res := w.str(strKey{kind: strInstance, c: c, s: tpl.Text}, func() string { return tpl.Instantiate(c) })
	return Probe{Caller: c, Action: action, Resource: res, Context: withFixed(v.drawContext(s, w, int(state)), ld.rule.Context)}
}

func (v *vocab) drawAccount(s Source) string {
	if !v.homeCallers && Chance(s, 4) {
		return Pick(s, v.accounts[1:])
	}
	return v.accounts[0]
}

func (v *vocab) drawName(s Source, w *prober) string {
	if Chance(s, 10) {
		n := Between(s, 1, 12)
		if w == nil {
			b := make([]byte, n)
			for i := range b {
				b[i] = nameAlphabet[s.Intn(len(nameAlphabet))]
			}
			return string(b)
		}
		w.name = w.name[:0]
		for range n {
			w.name = append(w.name, nameAlphabet[s.Intn(len(nameAlphabet))])
		}
		if name, ok := w.names[string(w.name)]; ok {
			return name
		}
		name := string(w.name)
		if len(w.names) >= maxProberMemo {
			clear(w.names)
		}
		w.names[name] = name
		return name
	}
	return Pick(s, v.names)
}

func (v *vocab) drawCaller(s Source, w *prober) Caller {
	k := s.Intn(16)
	acct := v.drawAccount(s)
	switch {
	case k < 12:
		c := Caller{Kind: UserCaller, Account: acct, Name: v.drawName(s, w)}
		if Chance(s, 4) {
			c.Path = Pick(s, v.paths)
		}
		return c
	case k < 14:
		return Caller{Kind: RoleSessionCaller, Account: acct, Name: Pick(s, drawRoles), Session: Pick(s, drawSessions)}
	case k < 15:
		return Caller{Kind: FederatedCaller, Account: acct, Name: v.drawName(s, w)}
	}
	return Caller{Kind: RootCaller, Account: acct}
}

func (v *vocab) drawAction(s Source, w *prober) string {
	k := s.Intn(20)
	switch {
	case k < 8:
		return Pick(s, v.policyActions)
	case k < 12:
		return Pick(s, v.specActions)
	case k < 14 && len(catIAM) > 0:
		return Pick(s, catIAMNames)
	case k < 17:
		return Pick(s, catActionNames)
	case k < 19:
		a := Pick(s, v.policyActions)
		if Bool(s) {
			a = Pick(s, v.specActions)
		}
		k := s.Intn(4)
		return w.str(strKey{kind: strCaseVariant, k: int32(k), s: a}, func() string { return respell(a, k) })
	}
	return Pick(s, drawBogusActions)
}

// respell respells an action in another case, spelling number k (0 to 3); IAM
// matches actions case-insensitively, so the decision must not change.
func respell(a string, k int) string {
	svc, name, _ := strings.Cut(a, ":")
	switch k {
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
func (v *vocab) drawResource(s Source, w *prober, c Caller, action string) string {
	act, known := lookupAction(action)
	if !known || Chance(s, 12) {
		return Pick(s, drawOddResources)
	}
	if act.TakesNoResource() {
		return "*"
	}
	rt := Pick(s, act.ResourceTypes)
	kind := strUserRes
	switch {
	case act.Service == "iam" && rt.Name == "user":
	case act.Service == "iam" && rt.Name == "mfa":
		kind = strMFARes
	default:
		if len(rt.ARNTemplates) == 0 {
			return "*"
		}
		acct := c.Account
		if Chance(s, 4) {
			acct = Pick(s, v.accounts)
		}
		tpl := Pick(s, rt.ARNTemplates)
		return w.str(strKey{kind: strFilled, c: Caller{Account: acct}, s: tpl}, func() string { return fillARNTemplate(tpl, acct) })
	}
	// The caller's own resource is the first option and the most frequent: most
	// invariant-breaking edits show on it.
	if s.Intn(20) < 9 {
		return v.resource(w, kind, c, 0)
	}
	return v.resource(w, kind, c, 1+s.Intn(v.resourceCount(kind, c)-1))
}

// resource is option k of userResources (kind strUserRes) or mfaResources
// (strMFARes) for c, built alone and memoized.
func (v *vocab) resource(w *prober, kind strKind, c Caller, k int) string {
	return w.str(strKey{kind: kind, k: int32(k), c: c}, func() string {
		if kind == strMFARes {
			return v.mfaResource(c, k)
		}
		return v.userResource(c, k)
	})
}

// resourceCount is len(userResources(c)) or len(mfaResources(c)).
func (v *vocab) resourceCount(kind strKind, c Caller) int {
	if kind == strMFARes {
		return 4 + relatedCount(ownName(c))
	}
	return 5 + relatedCount(ownName(c))
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

// relatedCount is how many names relatedName gives for n: 4, or 3 when every name of the fixed
// vocabulary is related to n.
func relatedCount(n string) int {
	if unrelatedName(n) != "" {
		return 4
	}
	return 3
}

// relatedName is the i-th name related to n: a longer name, a prefix, a name
// that ends in n, and an unrelated one. None equals n in any case.
func relatedName(n string, i int) string {
	switch i {
	case 0:
		return n + "2"
	case 1:
		if len(n) > 2 {
			return n[:2]
		}
		return n + "x"
	case 2:
		return "m" + n
	}
	return unrelatedName(n)
}

// unrelatedName is the first name of the fixed vocabulary that is not n, a
// prefix of n or an extension of n, ignoring case; "" if there is none.
func unrelatedName(n string) string {
	for _, o := range drawNames {
		if !strings.EqualFold(o, n) && !hasPrefixFold(o, n) && !hasPrefixFold(n, o) {
			return o
		}
	}
	return ""
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
// without building either.
func hasPrefixFold(s, prefix string) bool {
	if isASCII(s) && isASCII(prefix) {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
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
	out := make([]string, v.resourceCount(strUserRes, c))
	for k := range out {
		out[k] = v.userResource(c, k)
	}
	return out
}

// userResource is userResources(c)[k], built alone.
func (v *vocab) userResource(c Caller, k int) string {
	n, acct := ownName(c), c.Account
	arn := func(a, path, name string) string { return "arn:aws:iam::" + a + ":user/" + path + name }
	path := ""
	if c.Kind == UserCaller {
		path = c.Path
	}
	nr := relatedCount(n)
	switch {
	case k == 0:
		return arn(acct, path, n)
	case k == 1:
		other := v.paths[0]
		if path == other {
			other = ""
		}
		return arn(acct, other, n)
	case k == 2:
		return arn(acct, path, otherCase(n))
	case k < 3+nr:
		return arn(acct, "", relatedName(n, k-3))
	case k == 3+nr:
		return arn(v.otherAccount(acct), path, n)
	}
	return arn(acct, v.paths[len(v.paths)-1], relatedName(n, 0))
}

// mfaResources lists MFA device ARNs for a caller, the device named after the
// caller first: a pathed device of the same name, devices named after other
// users, and the same name in another account.
func (v *vocab) mfaResources(c Caller) []string {
	out := make([]string, v.resourceCount(strMFARes, c))
	for k := range out {
		out[k] = v.mfaResource(c, k)
	}
	return out
}

// mfaResource is mfaResources(c)[k], built alone.
func (v *vocab) mfaResource(c Caller, k int) string {
	n, acct := ownName(c), c.Account
	arn := func(a, rest string) string { return "arn:aws:iam::" + a + ":mfa/" + rest }
	nr := relatedCount(n)
	switch {
	case k == 0:
		return arn(acct, n)
	case k == 1:
		return arn(acct, v.paths[0]+n)
	case k == 2:
		return arn(acct, n+"-phone")
	case k < 3+nr:
		return arn(acct, relatedName(n, k-3))
	}
	return arn(v.otherAccount(acct), n)
}

// drawContext draws the request context. state < 0 draws the MFA state too;
// otherwise it is that MFAState. With a prober the lists are memoized by their
// choices and shared: a probe's context must not be modified in place.
func (v *vocab) drawContext(s Source, w *prober, state int) []ContextEntry {
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
	odd, age := -1, -1
	if MFAState(state) == MFAOdd {
		odd = s.Intn(len(drawOddMFA))
	}
	// aws:MultiFactorAuthAge comes with MFA; now and then it does not (or comes
	// without it), which AWS never sends: decided, not judged.
	if (MFAState(state) == MFATrue) != Chance(s, 16) {
		age = s.Intn(len(drawAges))
	}
	// The choices, as the memo's key: state, odd value, age, then the extra
	// keys drawn (index+1, value), as uvarints.
	var key []byte
	if w != nil {
		key = w.key[:0]
	}
	key = append(key, byte(state), byte(odd+1), byte(age+1))
	for i, ek := range v.extraKeys {
		if Chance(s, 6) {
			key = binary.AppendUvarint(key, uint64(i)+1)
			key = binary.AppendUvarint(key, uint64(s.Intn(len(ek.values))))
		}
	}
	if w == nil {
		return v.buildContext(key)
	}
	w.key = key
	if ctx, ok := w.ctxs[string(key)]; ok {
		return ctx
	}
	ctx := v.buildContext(key)
	if len(w.ctxs) >= maxProberMemo {
		clear(w.ctxs)
	}
	ctx = ctx[:len(ctx):len(ctx)] // appending copies: the list is shared
	w.ctxs[string(key)] = ctx
	return ctx
}

// buildContext builds the context drawContext's choices describe.
func (v *vocab) buildContext(key []byte) []ContextEntry {
	var ctx []ContextEntry
	switch MFAState(key[0]) {
	case MFAKeyFalse:
		ctx = append(ctx, ContextEntry{keyMFAPresent, model.Single("false")})
	case MFATrue:
		ctx = append(ctx, ContextEntry{keyMFAPresent, model.Single("true")})
	case MFAOdd:
		ctx = append(ctx, ContextEntry{keyMFAPresent, drawOddMFA[key[1]-1]})
	}
	if key[2] > 0 {
		ctx = append(ctx, ContextEntry{keyMFAAge, model.Single(drawAges[key[2]-1])})
	}
	for rest := key[3:]; len(rest) > 0; {
		i, n := binary.Uvarint(rest)
		rest = rest[n:]
		j, n := binary.Uvarint(rest)
		rest = rest[n:]
		ek := v.extraKeys[i-1]
		ctx = append(ctx, ContextEntry{ek.key, model.Single(ek.values[j])})
	}
	return ctx
}
