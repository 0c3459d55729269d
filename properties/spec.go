package properties

import (
	"strconv"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// Spec is what one policy must guarantee: the three invariants of docs/architecture.md §2, each
// optional. A section that is absent is not checked, and reports say so.
// corpus/specs/README.md documents the file format.
type Spec struct {
	// File is the spec file it was read from; "" for a built-in default.
	File string
	// Default is true for a built-in default spec; DefaultKind says which
	// (DefaultSelfManage, DefaultMFAGuard or DefaultGeneral).
	Default     bool
	DefaultKind string
	Description string
	MFAGate     *MFAGate
	OwnerOnly   *OwnerOnly
	Liveness    []*LivenessRule
	Never       []*NeverRule
	Only        *Only
	// NoEscalation turns on the no-escalation invariant (the methods of
	// properties/escalation.yaml); NoFullAccess the no-full-access invariant.
	NoEscalation bool
	NoFullAccess bool
	// Policies names the policies around the checked one, relative to File.
	Policies *SpecPolicies
}

// Name says where the spec comes from, for reports.
func (s *Spec) Name() string {
	switch {
	case s.Default && s.DefaultKind == DefaultMFAGuard:
		return "built-in MFA guard default (a Deny-only MFA policy, beside an assumed Allow * on *)"
	case s.Default && s.DefaultKind == DefaultGeneral:
		return "built-in general default (no privilege escalation, no full access)"
	case s.Default:
		return "built-in default (self-manage credentials, modelled on AWS's example)"
	}
	return s.File
}

// Invariants lists the invariants the spec defines, in report order.
func (s *Spec) Invariants() []string {
	var out []string
	if s.MFAGate != nil {
		out = append(out, InvMFAGate)
	}
	if s.OwnerOnly != nil {
		out = append(out, InvOwnerOnly)
	}
	if len(s.Liveness) > 0 {
		out = append(out, InvLiveness)
	}
	if len(s.Never) > 0 {
		out = append(out, InvNever)
	}
	if s.Only != nil {
		out = append(out, InvOnly)
	}
	if s.NoEscalation {
		out = append(out, InvNoEscalation)
	}
	if s.NoFullAccess {
		out = append(out, InvNoFullAccess)
	}
	return out
}

// MFAGate is the mfa-gate invariant: a request without MFA (aws:MultiFactorAuthPresent
// absent, as with a long-term access key, or "false") may be allowed only actions
// of the allow-list.
type MFAGate struct {
	// AllowWithoutMFA holds action names or IAM action patterns (* and ?),
	// matched case-insensitively.
	AllowWithoutMFA []string
}

// Allows reports whether the allow-list covers action.
func (g *MFAGate) Allows(action string) bool { return matchesAny(g.AllowWithoutMFA, action) }

// OwnerOnly is the owner-only invariant: no caller may be allowed to act on a
// resource that Owned declares as belonging to another user, in any account,
// except as an Exception says.
type OwnerOnly struct {
	// Owned are templates of the resources a user owns; each has {account} and
	// {username} (and usually {path}). A resource that fits one belongs to the
	// user of that name in that account.
	Owned      []Template
	Exceptions []*Exception
}

// Exception is a documented exception to owner-only.
type Exception struct {
	Actions   []string   // names or patterns
	Resources []Template // may use "*"
	Reason    string
}

// Covers reports whether the exception allows action on resource.
func (e *Exception) Covers(action, resource string) bool {
	if !matchesAny(e.Actions, action) {
		return false
	}
	for _, t := range e.Resources {
		if _, _, _, ok := t.Match(resource); ok {
			return true
		}
	}
	return false
}

// Owner returns the account and name of the user who owns resource, and the
// template that says so; ok is false when no template claims it.
func (o *OwnerOnly) Owner(resource string) (account, name string, tpl Template, ok bool) {
	for _, t := range o.Owned {
		if a, _, n, hit := t.Match(resource); hit {
			return a, n, t, true
		}
	}
	return "", "", Template{}, false
}

// Exception returns the exception that covers action on resource, or nil.
func (o *OwnerOnly) Exception(action, resource string) *Exception {
	for _, e := range o.Exceptions {
		if e.Covers(action, resource) {
			return e
		}
	}
	return nil
}

// PrincipalShape is the kind of caller a liveness rule is about.
type PrincipalShape uint8

// Principal shapes, as spelled in spec files.
const (
	ShapeUser          PrincipalShape = iota // "user": an IAM user without a path
	ShapePathedUser                          // "pathed-user": an IAM user with a path
	ShapeRoleSession                         // "assumed-role": a role session
	ShapeFederatedUser                       // "federated-user"
)

var shapeNames = []string{"user", "pathed-user", "assumed-role", "federated-user"}

func (p PrincipalShape) String() string { return shapeNames[p] }

// Fits reports whether a caller has the shape.
func (p PrincipalShape) Fits(c Caller) bool {
	switch p {
	case ShapeUser:
		return c.Kind == UserCaller && c.Path == ""
	case ShapePathedUser:
		return c.Kind == UserCaller && c.Path != ""
	case ShapeRoleSession:
		return c.Kind == RoleSessionCaller
	case ShapeFederatedUser:
		return c.Kind == FederatedCaller
	}
	return false
}

// MFARequirement is the MFA state a liveness rule is about.
type MFARequirement uint8

// MFA requirements, as spelled in spec files.
const (
	MFAWith    MFARequirement = iota // "with": aws:MultiFactorAuthPresent is "true"
	MFAWithout                       // "without": the key is absent or "false"
	MFAAbsent                        // "absent": only the long-term access key case
	MFAFalse                         // "false": only temporary credentials without MFA
)

var mfaReqNames = []string{"with", "without", "absent", "false"}

func (m MFARequirement) String() string { return mfaReqNames[m] }

// Holds reports whether a request's MFA state satisfies the requirement.
func (m MFARequirement) Holds(s MFAState) bool {
	switch m {
	case MFAWith:
		return s == MFATrue
	case MFAWithout:
		return s == MFAKeyAbsent || s == MFAKeyFalse
	case MFAAbsent:
		return s == MFAKeyAbsent
	case MFAFalse:
		return s == MFAKeyFalse
	}
	return false
}

// States lists the concrete states the requirement covers.
func (m MFARequirement) States() []MFAState {
	switch m {
	case MFAWith:
		return []MFAState{MFATrue}
	case MFAWithout:
		return []MFAState{MFAKeyAbsent, MFAKeyFalse}
	case MFAAbsent:
		return []MFAState{MFAKeyAbsent}
	}
	return []MFAState{MFAKeyFalse}
}

// Expectation is what a liveness rule requires of the decision.
type Expectation uint8

// Expectations, as spelled in spec files.
const (
	ExpectAllowed         Expectation = iota // "allowed"
	ExpectNotExplicitDeny                    // "not-explicit-deny"
	ExpectDenied                             // "denied": explicitly or implicitly
)

var expectNames = []string{"allowed", "not-explicit-deny", "denied"}

func (e Expectation) String() string { return expectNames[e] }

// LivenessRule says that some requests must work: for every caller of the shape,
// with the MFA state, each action on the resource (the template filled with the
// caller's own account, path and name) is allowed, or at least not explicitly
// denied.
type LivenessRule struct {
	Name      string
	Principal PrincipalShape
	MFA       MFARequirement
	Expect    Expectation
	// Severity is SeverityError (the default: a failure fails the check) or
	// SeverityWarning (a documented limitation: reported, does not fail).
	Severity Severity
	// Reason says why the rule exists, or why it is only a warning.
	Reason   string
	Resource Template
	Actions  []string // literal action names
	// Context fixes context keys of the rule's requests (aws:RequestedRegion,
	// aws:SourceIp, tags …); the MFA keys come from MFA.
	Context FixedContext
	// MaxMFAAge, when not 0, limits a with-MFA rule to sessions whose
	// aws:MultiFactorAuthAge is at most this many seconds: the built-in defaults
	// judge "works with MFA" on a fresh MFA session, so that a policy may demand
	// re-authentication after a while (FreshMFAAge). Not a spec-file field.
	MaxMFAAge int64
}

// FreshMFAAge is the MFA age, in seconds, of the fresh session the built-in
// defaults' with-MFA liveness rules judge: the age every run of check tries
// (drawAges[0], a key domain value of the proof engine's problem), so the rules
// are never vacuous.
const FreshMFAAge = 120

// Covers reports whether the rule speaks about a request by caller c for action on
// resource in MFA state m.
func (r *LivenessRule) Covers(c Caller, action, resource string, m MFAState, ctx map[string]model.ContextValue) bool {
	if !r.Principal.Fits(c) || !r.MFA.Holds(m) || !r.Context.Holds(ctx) {
		return false
	}
	if r.MaxMFAAge > 0 && m == MFATrue {
		if v, ok := lookupContext(ctx, keyMFAAge); ok && len(v.Values) == 1 {
			if n, err := strconv.ParseInt(v.Values[0], 10, 64); err == nil && n > r.MaxMFAAge {
				return false
			}
		}
	}
	if !r.Resource.InstanceIs(c, resource) {
		return false
	}
	for _, a := range r.Actions {
		if strings.EqualFold(a, action) {
			return true
		}
	}
	return false
}
