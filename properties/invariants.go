package properties

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Invariant names, as used in specs, reports and JSON.
const (
	InvMFAGate   = "mfa-gate"
	InvOwnerOnly = "owner-only"
	InvLiveness  = "liveness"
)

// Severity says what a finding does to the verdict.
type Severity uint8

// Severities.
const (
	// SeverityError fails the check.
	SeverityError Severity = iota
	// SeverityWarning is a limitation the spec documents: reported, does not fail.
	SeverityWarning
	// SeverityNote is a fact a person should know, e.g. a deny of an action AWS
	// does not enforce policies for: "denied by policy logic, not enforced by AWS".
	SeverityNote
)

func (s Severity) String() string {
	switch s {
	case SeverityWarning:
		return "warning"
	case SeverityNote:
		return "note"
	}
	return "error"
}

// MFAState is the MFA state of a request, read from aws:MultiFactorAuthPresent
// (docs/semantics.md §7.1).
type MFAState uint8

// MFA states.
const (
	MFAKeyAbsent MFAState = iota // no key: a long-term access key
	MFAKeyFalse                  // "false": temporary credentials without MFA
	MFATrue                      // "true": signed in with MFA
	MFAOdd                       // anything else: AWS never sends it
)

func (m MFAState) String() string {
	switch m {
	case MFAKeyAbsent:
		return "aws:MultiFactorAuthPresent absent, as with a long-term access key"
	case MFAKeyFalse:
		return `aws:MultiFactorAuthPresent "false"`
	case MFATrue:
		return `aws:MultiFactorAuthPresent "true"`
	}
	return "an aws:MultiFactorAuthPresent value AWS never sends"
}

const (
	keyMFAPresent = "aws:MultiFactorAuthPresent"
	keyMFAAge     = "aws:MultiFactorAuthAge"
)

// principalKeys are derived from the principal; a request that sets them in its
// context describes a caller AWS would not send.
var principalKeys = []string{"aws:username", "aws:userid", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType"}

// Violation is one counterexample to an invariant: the request, the decision, the
// statements that decided, and a one-line reason a person understands. Its error
// chain holds the invariant's sentinel (ErrMFAGate, ErrOwnerOnly, ErrLiveness) and
// ErrViolation.
type Violation struct {
	Invariant string // InvMFAGate, InvOwnerOnly or InvLiveness
	Severity  Severity
	// Rule names the part of the spec that was broken: the liveness rule's name,
	// the owned-resource template, or "allow-without-mfa".
	Rule     string
	Request  *model.Request
	Decision model.Decision
	// Matched are the statements that decided: the Deny statements of an
	// explicitDeny, the Allow statements of an allowed; none for implicitDeny.
	Matched []model.Match
	Reason  string

	// Statement is the statement a person should look at: the first deciding
	// statement, or for an implicitDeny the nearest one (filled by Target.Explain).
	Statement *StatementRef
	// Also lists other actions that gave the same finding (same invariant, rule,
	// decision and statement) during the run, in the order found.
	Also []string
	// AlsoMore counts further such actions not listed.
	AlsoMore int

	alsoSeen map[string]bool
}

func (v *Violation) Error() string { return v.Invariant + ": " + v.Reason }

// Unwrap exposes the invariant's sentinel error.
func (v *Violation) Unwrap() error {
	switch v.Invariant {
	case InvMFAGate:
		return ErrMFAGate
	case InvOwnerOnly:
		return ErrOwnerOnly
	case InvNever:
		return ErrNever
	case InvOnly:
		return ErrOnly
	case InvNoEscalation:
		return ErrNoEscalation
	case InvNoFullAccess:
		return ErrNoFullAccess
	case InvNoNewAccess:
		return ErrNoNewAccess
	}
	return ErrLiveness
}

// Invariant is an invariant check: it judges one decided request against a spec
// and returns a violation, or nil. Checks are plain functions shared by every
// engine (rapid, gopter, fuzz bytes, the seeded runs of iamfuzz check).
//
// A check judges only requests AWS could actually make: a caller other than the
// root user (identity policies cannot be attached to root), an action of the AWS
// catalogue, a resource the action can be authorized against (or "*" for an
// action that takes none), aws:MultiFactorAuthPresent absent, "false" or "true",
// aws:MultiFactorAuthAge present exactly when MFA is "true", and no principal key
// overridden in the context. Other requests are still decided by the engines
// (they exercise the evaluator) but are not judged: a verdict on a request AWS
// never makes would be noise.
type Invariant func(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation

// Invariants are the checks in report order.
var Invariants = []Invariant{MFAGateCheck, OwnerOnlyCheck, LivenessCheck, NeverCheck, OnlyCheck, EscalationCheck}

// judgedCheck is an Invariant that shares one judgement of the request with the
// other checks.
type judgedCheck func(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation

// judgedChecks are Invariants, index for index, as Target.judge runs them
// (TestJudgedChecksAreInvariants).
var judgedChecks = []judgedCheck{mfaGateCheck, ownerOnlyCheck, livenessCheck, neverCheck, onlyCheck, escalationCheck}

// Judgeable says whether the invariants judge a request, and if so returns its
// caller and MFA state; otherwise why names the reason.
func Judgeable(r *model.Request) (c Caller, m MFAState, why string) {
	j := judgement{req: r}
	j.get()
	return j.c, j.m, j.reason()
}

// judgement is Judgeable's answer for one request, worked out at most once
// however many invariants ask, and without building the reason's text unless
// someone reads it (check judges every probe; docs/performance.md).
type judgement struct {
	req  *model.Request
	w    *prober // the worker's memo, or nil
	done bool
	c    Caller
	m    MFAState
	act  *catalog.Action // the catalogue's action, once looked up
	code whyCode
	err  error  // with whyPrincipal
	key  string // with whyPrincipalKey
}

// whyCode is why a request is not judged; whyNone when it is.
type whyCode uint8

const (
	whyNone whyCode = iota
	whyPrincipal
	whyRoot
	whyUnknownAction
	whyResource
	whyPrincipalKey
	whyMFAOdd
	whyAgeAbsent
	whyAgeWithoutMFA
	whyAgeNotSeconds
)

// get works the judgement out; it reports whether the request is judged.
func (j *judgement) get() bool {
	if j.done {
		return j.code == whyNone
	}
	j.done = true
	r := j.req
	c, err := j.parseCaller(r.Principal)
	j.c = c
	switch {
	case err != nil:
		j.code, j.err = whyPrincipal, err
		return false
	case c.Kind == RootCaller:
		j.code = whyRoot
		return false
	}
	act, ok := lookupAction(r.Action)
	if !ok {
		j.code = whyUnknownAction
		return false
	}
	j.act = act
	if !j.accepts(act, r.Resource) {
		j.code = whyResource
		return false
	}
	// The keys derived from the principal, each looked for case-insensitively;
	// the first of principalKeys that the context gives is the one named. One
	// pass over the context (a map's iteration is costly to start).
	given := len(principalKeys)
	for k, v := range r.Context {
		for i, pk := range principalKeys[:given] {
			if !strings.EqualFold(k, pk) || c.Kind == UserCaller && pk == "aws:userid" && isUserUniqueID(v) {
				continue
			}
			if path, ok := rolePathOf(c, pk, v); ok {
				j.c.Path = path
				continue
			}
			given = i
			break
		}
	}
	if given < len(principalKeys) {
		j.code, j.key = whyPrincipalKey, principalKeys[given]
		return false
	}
	j.m = mfaState(r.Context)
	if j.m == MFAOdd {
		j.code = whyMFAOdd
		return false
	}
	age, hasAge := lookupContext(r.Context, keyMFAAge)
	switch {
	case j.m == MFATrue && !hasAge:
		j.code = whyAgeAbsent
	case j.m != MFATrue && hasAge:
		j.code = whyAgeWithoutMFA
	case hasAge && !validAge(age):
		j.code = whyAgeNotSeconds
	}
	return j.code == whyNone
}

// accepts is act.AcceptsResource(resource), memoized by the worker.
func (j *judgement) accepts(act *catalog.Action, resource string) bool {
	if j.w == nil {
		return act.AcceptsResource(resource)
	}
	return j.w.accepts(act, resource)
}

// caller returns the request's caller and MFA state, and whether it is judged.
func (j *judgement) caller() (Caller, MFAState, bool) {
	ok := j.get()
	return j.c, j.m, ok
}

// reason is Judgeable's why: "" for a judged request.
func (j *judgement) reason() string {
	r := j.req
	switch j.code {
	case whyPrincipal:
		return j.err.Error()
	case whyRoot:
		return "the root user: identity policies cannot be attached to it"
	case whyUnknownAction:
		return r.Action + " is not an action in the AWS catalogue"
	case whyResource:
		return r.Action + " cannot be authorized against " + r.Resource
	case whyPrincipalKey:
		return j.key + " is derived from the principal and must not be given"
	case whyMFAOdd:
		return "aws:MultiFactorAuthPresent has a value AWS never sends"
	case whyAgeAbsent:
		return "aws:MultiFactorAuthAge is absent although MFA is present"
	case whyAgeWithoutMFA:
		return "aws:MultiFactorAuthAge is present without MFA"
	case whyAgeNotSeconds:
		return "aws:MultiFactorAuthAge is not a number of seconds"
	}
	return ""
}

func validAge(v model.ContextValue) bool {
	if v.Multi || len(v.Values) != 1 {
		return false
	}
	n, err := strconv.ParseUint(v.Values[0], 10, 63)
	return err == nil && n < 1<<40
}

// lookupContext finds a context key case-insensitively, as IAM does. The
// spellings probes and classes use (as written, lower-cased) are tried before
// a pass over the context.
func lookupContext(ctx map[string]model.ContextValue, key string) (model.ContextValue, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	lk := key
	switch key {
	case keyMFAPresent:
		lk = lowerMFAPresent
	case keyMFAAge:
		lk = lowerMFAAge
	}
	if v, ok := ctx[lk]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return model.ContextValue{}, false
}

func mfaState(ctx map[string]model.ContextValue) MFAState {
	v, ok := lookupContext(ctx, keyMFAPresent)
	switch {
	case !ok:
		return MFAKeyAbsent
	case v.Multi || len(v.Values) != 1:
		return MFAOdd
	case v.Values[0] == "false":
		return MFAKeyFalse
	case v.Values[0] == "true":
		return MFATrue
	}
	return MFAOdd
}

// notEnforced: AWS does not check policies for the action, so a finding about it
// is a note ("denied by policy logic, not enforced by AWS"), never a failure.
func notEnforced(res *model.Result) bool { return res.Notes&model.NoteNotEnforced != 0 }

// stmtNames names the statements that decided, for reasons: "statement
// AllowManageOwnPasswords" (its Sid), or "statement 3" (its index) without one.
func stmtNames(pol *model.Policy, ms []model.Match) string {
	if len(ms) == 0 {
		return ""
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		if m.Type != model.IdentityPolicy || m.Policy > 0 {
			// A statement of a policy around the checked one (or attached beside
			// it): named by its place, as in the replay line.
			names[i] = fmt.Sprintf("statement %d of the %s policy", m.Statement, m.PolicyName())
			continue
		}
		names[i] = "statement " + stmtName(pol, m.Statement)
	}
	return strings.Join(names, " and ")
}

func stmtName(pol *model.Policy, i int) string {
	if pol != nil && i < len(pol.Statements) && pol.Statements[i].Sid != "" {
		return pol.Statements[i].Sid
	}
	return fmt.Sprintf("%d", i)
}

func newViolation(inv, rule string, req *model.Request, res *model.Result, sev Severity, reason string) *Violation {
	return &Violation{Invariant: inv, Severity: sev, Rule: rule, Request: req, Decision: res.Decision,
		Matched: append([]model.Match(nil), res.Matched...), Reason: reason}
}

const notEnforcedText = "denied by policy logic, not enforced by AWS: AWS does not check policies for this action"

// MFAGateCheck is the mfa-gate invariant: a request without MFA (key absent or
// "false") that is allowed must be for an action of the spec's allow-list.
func MFAGateCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return mfaGateCheck(spec, pol, req, res, &judgement{req: req})
}

func mfaGateCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if spec.MFAGate == nil || res.Decision != model.Allowed {
		return nil
	}
	_, m, ok := j.caller()
	if !ok || m == MFATrue || spec.MFAGate.Allows(req.Action) {
		return nil
	}
	sev := SeverityError
	reason := fmt.Sprintf("%s is allowed without MFA (%s) by %s; it is not in the MFA allow-list",
		req.Action, m, stmtNames(pol, res.Matched))
	if notEnforced(res) {
		sev = SeverityNote
		reason += " (AWS does not check policies for this action, so the allow changes nothing)"
	}
	return newViolation(InvMFAGate, "allow-without-mfa", req, res, sev, reason)
}

// OwnerOnlyCheck is the owner-only invariant: no caller is allowed to act on a
// resource the spec declares as owned by another user, in any account, unless a
// documented exception covers it. A role session or federated user owns no IAM
// user's resources, so for them every owned resource is someone else's.
func OwnerOnlyCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return ownerOnlyCheck(spec, pol, req, res, &judgement{req: req})
}

func ownerOnlyCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if spec.OwnerOnly == nil || res.Decision != model.Allowed {
		return nil
	}
	acct, name, tpl, owned := j.owner(spec.OwnerOnly, req.Resource)
	if !owned {
		return nil
	}
	c, _, ok := j.caller()
	if !ok || c.SameUser(acct, name) || spec.OwnerOnly.Exception(req.Action, req.Resource) != nil {
		return nil
	}
	owner := "user " + name
	if acct != c.Account {
		owner += " of account " + acct
	}
	caller := c.String()
	if c.Kind == UserCaller && acct != c.Account {
		caller += " of account " + c.Account
	}
	sev := SeverityError
	reason := fmt.Sprintf("%s is allowed %s on %s, which belongs to %s, by %s; owned resources may be used only by their owner",
		caller, req.Action, req.Resource, owner, stmtNames(pol, res.Matched))
	if notEnforced(res) {
		sev = SeverityNote
	}
	return newViolation(InvOwnerOnly, tpl.Text, req, res, sev, reason)
}

// LivenessCheck is the liveness invariant: a request covered by a liveness rule
// (caller shape, MFA state, action, and the rule's resource filled with the
// caller's own account, path and name) is allowed, or at least not explicitly
// denied, as the rule says. A deny of an action AWS does not enforce policies for
// (sts:GetSessionToken) is a note, not a failure.
func LivenessCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result) *Violation {
	return livenessCheck(spec, pol, req, res, &judgement{req: req})
}

func livenessCheck(spec *Spec, pol *model.Policy, req *model.Request, res *model.Result, j *judgement) *Violation {
	if len(spec.Liveness) == 0 {
		return nil
	}
	c, m, ok := j.caller()
	if !ok {
		return nil
	}
	for _, r := range spec.Liveness {
		if !r.Covers(c, req.Action, req.Resource, m, req.Context) {
			continue
		}
		switch r.Expect {
		case ExpectAllowed:
			if res.Decision == model.Allowed {
				continue
			}
		case ExpectNotExplicitDeny:
			if res.Decision != model.ExplicitDeny {
				continue
			}
		case ExpectDenied:
			if res.Decision != model.Allowed {
				continue
			}
		}
		var on string
		switch {
		case req.Resource == "*":
			on = "resource *"
		case !r.Resource.HasUser():
			on = req.Resource
		case strings.Contains(req.Resource, ":user/"):
			on = "your own user"
		case strings.Contains(req.Resource, ":mfa/"):
			on = "your own MFA device " + req.Resource
		default:
			on = "your own resource " + req.Resource
		}
		who := ""
		if r.Principal == ShapePathedUser {
			who = fmt.Sprintf(" for a user with a path (%s)", req.Principal)
		}
		var got string
		switch res.Decision {
		case model.ExplicitDeny:
			got = "explicitly denied by " + stmtNames(pol, res.Matched)
		case model.Allowed:
			got = "allowed by " + stmtNames(pol, res.Matched)
		default:
			got = "not allowed (implicitDeny: no statement allows it)"
		}
		mfa := "with MFA"
		if m != MFATrue {
			mfa = "without MFA (" + m.String() + ")"
		}
		if len(r.Context) > 0 {
			mfa += " and " + r.Context.String()
		}
		want := "to be allowed"
		switch r.Expect {
		case ExpectNotExplicitDeny:
			want = "not to be explicitly denied"
		case ExpectDenied:
			want = "to be denied"
		}
		sev := r.Severity
		reason := fmt.Sprintf("%s on %s %s%s is %s; liveness rule %q requires it %s", req.Action, on, mfa, who, got, r.Name, want)
		if notEnforced(res) {
			sev = SeverityNote
			reason = fmt.Sprintf("%s %s is %s: %s", req.Action, mfa, got, notEnforcedText)
		}
		return newViolation(InvLiveness, r.Name, req, res, sev, reason)
	}
	return nil
}

// isUserUniqueID reports an IAM user's aws:userid as AWS sends it, a unique ID
// AIDA… (docs/semantics.md §6.1; the model's shape of it, §13
// derived-unique-id): a request may give any user's ID, since no ARN carries it,
// and the proof engine draws such IDs (partition.userIDValues).
// rolePathOf reads the aws:PrincipalArn a role session's request gives: its
// role's ARN (the caller's account and role name) with the role's path, which
// the session's ARN does not carry, so the model cannot derive it
// (docs/eval-format.md); the proof engine draws such sessions (partition's
// rolepath.go). ok is false for any other key or value.
func rolePathOf(c Caller, key string, v model.ContextValue) (path string, ok bool) {
	if c.Kind != RoleSessionCaller || key != "aws:PrincipalArn" || v.Multi || len(v.Values) != 1 {
		return "", false
	}
	rest, ok := strings.CutPrefix(v.Values[0], "arn:aws:iam::"+c.Account+":role/")
	if !ok || rest == c.Name {
		return "", ok
	}
	path, ok = strings.CutSuffix(rest, "/"+c.Name)
	if !ok || path == "" || path[0] == '/' || strings.Contains(path, "//") {
		return "", false
	}
	return path + "/", true
}

func isUserUniqueID(v model.ContextValue) bool {
	if v.Multi || len(v.Values) != 1 {
		return false
	}
	id, ok := strings.CutPrefix(v.Values[0], model.UserIDPrefix)
	if !ok || len(id) != model.UniqueIDTail {
		return false
	}
	for _, b := range []byte(id) {
		if (b < 'A' || b > 'Z') && (b < '0' || b > '9') {
			return false
		}
	}
	return true
}
