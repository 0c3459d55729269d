package model

import (
	"math/bits"
	"strings"
	"sync"
)

// Decision is the outcome of an evaluation, named as AWS names it.
type Decision uint8

// Decisions.
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return "implicitDeny"
}

// ParseDecision reads AWS's name of a decision.
func ParseDecision(s string) (Decision, bool) {
	switch s {
	case "allowed":
		return Allowed, true
	case "explicitDeny":
		return ExplicitDeny, true
	case "implicitDeny":
		return ImplicitDeny, true
	}
	return 0, false
}

// Reason says which step of the decision procedure settled the decision.
type Reason uint8

// Reasons.
const (
	ReasonNoAllow                Reason = iota // nothing allows the request
	ReasonExplicitDeny                         // a Deny statement applies
	ReasonIdentityAllow                        // an identity policy allows (and every limit agrees)
	ReasonResourceAllow                        // a same-account resource policy grants the caller itself
	ReasonRoot                                 // the root user has full access
	ReasonBoundary                             // the permissions boundary does not allow
	ReasonSCP                                  // an SCP level has no applicable Allow
	ReasonCrossAccount                         // another account's resource, and its resource policy does not allow
	ReasonCrossAccountNoAllow                  // another account's resource, and no identity policy allows
	ReasonSession                              // the session policy does not allow the request
	ReasonResourcePolicyRequired               // a role trust policy or KMS key policy does not allow the caller or its account
	ReasonRootAssumeRole                       // the root user calls sts:AssumeRole, which AWS refuses
)

var reasonText = [...]string{
	ReasonNoAllow:                "no statement allows the request",
	ReasonExplicitDeny:           "a Deny statement applies, and an explicit deny always wins",
	ReasonIdentityAllow:          "an identity policy allows the request",
	ReasonResourceAllow:          "a same-account resource-based policy grants the caller itself",
	ReasonRoot:                   "the account's root user has full access unless denied",
	ReasonBoundary:               "the permissions boundary does not allow the request",
	ReasonSCP:                    "an SCP level has no applicable Allow",
	ReasonCrossAccount:           "the resource is in another account and no resource-based policy there allows the caller",
	ReasonCrossAccountNoAllow:    "the resource is in another account and no identity policy allows the request",
	ReasonSession:                "the session policy does not allow the request",
	ReasonResourcePolicyRequired: "a role trust policy or KMS key policy must allow the caller (or its account): an identity Allow alone is not enough",
	ReasonRootAssumeRole:         "the root user cannot call sts:AssumeRole, whatever the policies allow (AWS's AssumeRole API reference)",
}

func (r Reason) String() string { return reasonText[r] }

// Undef is a set of reasons why a decision rests on behaviour AWS does not document
// (docs/semantics.md §13); differential runs skip such results.
type Undef uint32

// UNDEF reasons; their names are listed in docs/eval-format.md.
const (
	UndefSCPImplicitDeny Undef = 1 << iota
	UndefMultivaluedWithoutSet
	UndefSetWithIfExists
	UndefTypeMismatch
	UndefVariableInBool
	UndefWildcardInARNPrefix
	UndefWildcardInVariableValue
	UndefEmptyValueList
	UndefVariableInARNPrefix
	UndefEmptyCondition
	UndefNullOnEmptyValue
	UndefNotPrincipalWithoutParent
	UndefEmptyStringInSet
	UndefMultivaluedVariable
	UndefShortResourceARN
)

var undefNames = []string{
	"scp-implicit-deny", "multivalued-without-set-operator", "set-operator-with-ifexists",
	"type-mismatch", "variable-in-bool", "wildcard-in-arn-prefix", "wildcard-in-variable-value",
	"empty-value-list", "variable-in-arn-prefix", "empty-condition", "null-on-empty-value",
	"notprincipal-without-parent", "empty-string-in-set", "multivalued-variable",
	"short-resource-arn",
}

// Names lists the reasons in a stable order.
func (u Undef) Names() []string {
	var out []string
	for i, n := range undefNames {
		if u&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// UndefByName returns the reason with the given name.
func UndefByName(name string) (Undef, bool) {
	for i, n := range undefNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// Note is a set of facts about a decision that a person should know.
type Note uint8

// Notes.
const (
	// NoteNotEnforced: AWS does not check policies for this action (sts:GetSessionToken,
	// sts:GetCallerIdentity); the decision is policy logic only.
	NoteNotEnforced Note = 1 << iota
	// NoteResourcePolicyNotGiven: the request is about a role (STS) or a KMS key,
	// whose trust or key policy must also allow, and the case gives none; the
	// decision covers the given policies only.
	NoteResourcePolicyNotGiven
	// NoteSessionPolicyNotGiven: a federated-user session is allowed through its
	// IAM user's policies, and the bundle has no session policy, without which
	// AWS gives such a session no permissions; the decision reads the given
	// policies as if the session policy allowed them (docs/semantics.md §3.3).
	NoteSessionPolicyNotGiven
	// NoteRootCannotAssumeRole: the root user calls sts:AssumeRole, which AWS
	// refuses to root user credentials whatever the policies say: the policies'
	// Allow is overruled to implicitDeny (docs/semantics.md §3.3 rule 10).
	NoteRootCannotAssumeRole
	// NoteRCPNotApplicable: the bundle has RCPs and AWS does not apply RCPs to
	// the action (a service not on AWS's list, or kms:RetireGrant), so they were
	// left out (docs/semantics.md §3.3 rule 3).
	NoteRCPNotApplicable
)

var noteNames = []string{"not-enforced", "resource-policy-not-given", "session-policy-not-given", "root-cannot-assume-role", "rcp-not-applicable"}

// Names lists the notes in a stable order.
func (n Note) Names() []string {
	var out []string
	for i, name := range noteNames {
		if n&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// NoteByName returns the note with the given name.
func NoteByName(name string) (Note, bool) {
	for i, n := range noteNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// Match names one statement that took part in a decision.
type Match struct {
	Type      PolicyType
	Level     int // SCP level, root first
	Policy    int // index in its list
	Statement int // index in the document's Statement list
	Sid       string
}

// Ref is the reference of the statement's policy.
func (m Match) Ref() PolicyRef { return PolicyRef{Type: m.Type, Level: m.Level, Index: m.Policy} }

// PolicyName is the policy's name in the eval format: identity[0], boundary[0],
// scp[1][0], resource[0].
func (m Match) PolicyName() string { return m.Ref().String() }

// Result is the evaluator's answer with its explanation.
type Result struct {
	Decision Decision
	Reason   Reason
	SCPLevel int      // with ReasonSCP: the level that did not allow
	Matched  []Match  // the statements that decided (Deny statements, or Allow statements)
	Missing  []string // context keys referenced by evaluated conditions or variables but absent
	Undef    Undef
	Notes    Note
}

// Evaluator decides requests. It owns scratch buffers so that a decision does not
// allocate once the buffers have grown; it is not safe for concurrent use: give each
// goroutine its own.
type Evaluator struct {
	codes  []uint16
	bytes  []byte
	bytes2 []byte
	marks  []uint64 // per statement of one policy: its action list matched
	nfa    []uint64 // globNFA's masks
	fail   []int32  // Knuth–Morris–Pratt table of a long segment
	vals   []string // a pattern's variable values
	steps  int      // work done by the pattern matchers, for the tests that bound it

	undef      Undef
	missing    []string
	missingSet map[string]struct{} // lower-cased e.missing, once it is long
	allows     []Match
	denies     []Match
	trace      *Trace
	// boundary: the caller has a permissions boundary (NotPrincipal in a Deny
	// then no longer exempts it).
	boundary bool
}

var evalPool = sync.Pool{New: func() any { return new(Evaluator) }}

// Decide decides a request with a pooled evaluator and returns a result that owns
// its slices. Use an Evaluator directly on hot paths.
func Decide(b *Bundle, r *Request) Result {
	e := evalPool.Get().(*Evaluator)
	var out Result
	e.Decide(b, r, &out)
	evalPool.Put(e)
	return out
}

// Decide decides r under the policies of b and writes the answer to out, reusing
// out's slices (docs/semantics.md §3.3, §3.4).
func (e *Evaluator) Decide(b *Bundle, r *Request, out *Result) {
	e.undef = 0
	// Missing keys and Allow statements are gathered straight into out's slices:
	// most decisions then copy nothing when they assemble the result.
	e.missing = out.Missing[:0]
	if len(e.missingSet) > 0 {
		clear(e.missingSet)
	}
	e.allows = out.Matched[:0]
	e.denies = e.denies[:0]
	e.boundary = b.Boundary != nil

	idAllow, bAllow, anyDeny := false, false, false
	for i, p := range b.Identity {
		a, d := e.evalPolicy(p, IdentityPolicy, 0, i, r)
		idAllow, anyDeny = idAllow || a != pmNone, anyDeny || d
	}
	if b.Boundary != nil {
		a, d := e.evalPolicy(b.Boundary, BoundaryPolicy, 0, 0, r)
		bAllow, anyDeny = a != pmNone, anyDeny || d
	}
	scpFail := -1
	for lvl, level := range b.SCP {
		la := false
		for i, p := range level {
			a, d := e.evalPolicy(p, SCPPolicy, lvl, i, r)
			la, anyDeny = la || a != pmNone, anyDeny || d
		}
		if !la && scpFail < 0 {
			scpFail = lvl
		}
	}
	// RCPs only deny: AWS attaches RCPFullAWSAccess at every level and it cannot
	// be detached, so every level always has an applicable Allow. They apply to
	// the actions of the services AWS lists only (rcp.go).
	rcps := b.RCP
	if !r.rcpApplies {
		rcps = nil
	}
	for lvl, level := range rcps {
		for i, p := range level {
			_, d := e.evalPolicy(p, RCPPolicy, lvl, i, r)
			anyDeny = anyDeny || d
		}
	}
	// A session policy caps a session's identity grants (and grants to the role
	// behind it); it does not cap a resource policy that names the session itself
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
	sessionOK := true
	if b.Session != nil && (r.ptype == PrincipalAssumedRole || r.ptype == PrincipalFederatedUser) {
		a, d := e.evalPolicy(b.Session, SessionPolicy, 0, 0, r)
		sessionOK, anyDeny = a != pmNone, anyDeny || d
	}
	rbp := pmNone
	for i, p := range b.Resource {
		a, d := e.evalPolicy(p, ResourcePolicy, 0, i, r)
		rbp, anyDeny = max(rbp, a), anyDeny || d
	}

	out.Decision, out.SCPLevel = ImplicitDeny, 0
	root := r.ptype == PrincipalRoot
	// A resource owned by AWS (arn:aws:iam::aws:policy/…) is no other account's:
	// it has no resource-based policy, and the caller's own policies decide.
	sameAccount := r.sameAccount
	boundaryOK := b.Boundary == nil || bAllow || root
	// A role trust policy or a KMS key policy must allow the caller, its role or
	// its account; an identity Allow alone is not enough, not even for the root
	// user (docs/semantics.md, role trust policies and KMS key policies).
	mustAllow := len(b.Resource) > 0 && r.resourcePolicyMustAllow()
	switch {
	case anyDeny:
		out.Decision, out.Reason = ExplicitDeny, ReasonExplicitDeny
	case scpFail >= 0:
		out.Reason, out.SCPLevel = ReasonSCP, scpFail
		e.undef |= UndefSCPImplicitDeny
	case sameAccount && mustAllow && rbp == pmNone:
		out.Reason = ReasonResourcePolicyRequired
	case sameAccount && rbp == pmDirect:
		out.Decision, out.Reason = Allowed, ReasonResourceAllow
	case sameAccount && root:
		out.Decision, out.Reason = Allowed, ReasonRoot
	case sameAccount && !idAllow && rbp != pmEntity:
		out.Reason = ReasonNoAllow
	case !sameAccount && !idAllow && !root:
		out.Reason = ReasonCrossAccountNoAllow
	case !boundaryOK:
		out.Reason = ReasonBoundary
	case !sessionOK:
		out.Reason = ReasonSession
	case sameAccount && !idAllow:
		// Only a grant to the role behind the session allows, inside the boundary.
		out.Decision, out.Reason = Allowed, ReasonResourceAllow
	case sameAccount:
		out.Decision, out.Reason = Allowed, ReasonIdentityAllow
	case rbp == pmNone:
		out.Reason = ReasonCrossAccount
	default:
		out.Decision, out.Reason = Allowed, ReasonIdentityAllow
		if root {
			out.Reason = ReasonRoot
		}
	}
	switch out.Decision {
	case ExplicitDeny:
		out.Matched = append(e.allows[:0], e.denies...)
	case Allowed:
		out.Matched = e.allows
	default:
		out.Matched = e.allows[:0]
	}
	out.Missing = e.missing
	out.Undef = e.undef
	out.Notes = 0
	if r.notEnforced {
		out.Notes |= NoteNotEnforced
	}
	if len(b.Resource) == 0 && r.resourcePolicyMustAllow() {
		out.Notes |= NoteResourcePolicyNotGiven
	}
	if out.Decision == Allowed && r.ptype == PrincipalFederatedUser && b.Session == nil &&
		!(sameAccount && rbp == pmDirect) {
		out.Notes |= NoteSessionPolicyNotGiven
	}
	if len(b.RCP) > 0 && !r.rcpApplies {
		out.Notes |= NoteRCPNotApplicable
	}
	if r.ptype == PrincipalRoot && r.lowerAction == "sts:assumerole" {
		out.Notes |= NoteRootCannotAssumeRole
		if out.Decision == Allowed {
			out.Decision, out.Reason, out.Matched = ImplicitDeny, ReasonRootAssumeRole, out.Matched[:0]
		}
	}
}

// evalPolicy evaluates every statement of one policy. It returns how the policy
// allows (pmNone when no Allow statement applies; for identity-like policies
// pmDirect when one does) and whether a Deny statement applies.
func (e *Evaluator) evalPolicy(p *Compiled, typ PolicyType, level, idx int, r *Request) (allow int, deny bool) {
	if e.trace != nil || plantedBug {
		return e.evalPolicySlow(p, typ, level, idx, r)
	}
	// Only the statements whose action element matches are visited: those the
	// action index marks, XOR those with NotAction.
	w := len(p.notAction)
	var one [1]uint64 // up to 64 statements: no scratch slice to clear
	marks := one[:min(w, 1)]
	if w > 1 {
		if cap(e.marks) < w {
			e.marks = make([]uint64, w)
		}
		marks = e.marks[:w]
		clear(marks)
	}
	e.markActions(&p.actions, r, marks)
	for k, word := range marks {
		word ^= p.notAction[k]
		for word != 0 {
			st := &p.stmts[k*64+bits.TrailingZeros64(word)]
			word &= word - 1
			if kind, ok := e.applies(st, typ, r, nil, true); ok {
				allow, deny = e.record(st, kind, typ, level, idx, allow, deny)
			}
		}
	}
	return allow, deny
}

// record notes an applicable statement.
func (e *Evaluator) record(st *cstmt, kind int, typ PolicyType, level, idx int, allow int, deny bool) (int, bool) {
	m := Match{Type: typ, Level: level, Policy: idx, Statement: st.index, Sid: st.sid}
	if st.deny {
		e.denies = append(e.denies, m)
		return allow, true
	}
	if typ == IdentityPolicy || typ == ResourcePolicy {
		e.allows = append(e.allows, m)
	}
	return max(allow, kind), deny
}

// evalPolicySlow visits every statement: for Explain's trace, and for the
// planted bug (which lives in matchAction).
func (e *Evaluator) evalPolicySlow(p *Compiled, typ PolicyType, level, idx int, r *Request) (allow int, deny bool) {
	var pt *PolicyTrace
	if e.trace != nil {
		ref := PolicyRef{Type: typ, Level: level, Index: idx}
		e.trace.Policies = append(e.trace.Policies, PolicyTrace{Ref: ref, Name: ref.String()})
		pt = &e.trace.Policies[len(e.trace.Policies)-1]
	}
	for i := range p.stmts {
		st := &p.stmts[i]
		var tr *StatementTrace
		if pt != nil {
			pt.Statements = append(pt.Statements, StatementTrace{Index: st.index, Sid: st.sid, Deny: st.deny})
			tr = &pt.Statements[len(pt.Statements)-1]
		}
		am, pat := e.matchAction(st, r.Action)
		if st.notAction {
			am = !am
		}
		if tr != nil {
			tr.Action = MatchTrace{Matched: am, Not: st.notAction, Pattern: pat}
		}
		if kind, ok := e.applies(st, typ, r, tr, am); ok {
			allow, deny = e.record(st, kind, typ, level, idx, allow, deny)
		}
	}
	return allow, deny
}

// applies reports whether a statement applies to the request (docs/semantics.md
// §3.1), and for resource-based policies how its Principal names the caller.
// am says whether the action element matched.
func (e *Evaluator) applies(st *cstmt, typ PolicyType, r *Request, tr *StatementTrace, am bool) (int, bool) {
	if !am {
		return pmNone, false
	}
	st.need(stmtResources)
	rm, rpat := false, ""
	for i := range st.resources {
		if e.matchPattern(&st.resources[i], r.Resource, r, false) {
			rm, rpat = true, st.resources[i].text
			break
		}
	}
	if st.notRes {
		rm = !rm
	}
	if tr != nil {
		tr.Resource = MatchTrace{Matched: rm, Not: st.notRes, Pattern: rpat, Implied: st.roleRes}
	}
	if !rm {
		return pmNone, false
	}
	if !plantedLazyStmt || tr == nil {
		st.need(stmtComplete)
	}
	kind := pmDirect
	if (typ == ResourcePolicy || typ == RCPPolicy) && st.principal != nil {
		if st.notPrin && st.deny {
			exempt, unsure := st.principal.exempts(r)
			switch {
			case e.boundary:
				// A Deny with NotPrincipal always denies an IAM principal that
				// has a permissions boundary, whatever NotPrincipal lists
				// (docs/semantics.md §4.4 [NPRIN], peer-03).
				kind = pmDirect
			case exempt:
				if unsure {
					e.undef |= UndefNotPrincipalWithoutParent
				}
				kind = pmNone
			default:
				kind = pmDirect
			}
		} else {
			// An Allow with NotPrincipal, which AWS no longer supports, grants
			// to every principal its list does not name in any way.
			kind = st.principal.match(r)
			switch {
			case !st.notPrin:
			case kind != pmNone:
				kind = pmNone
			default:
				kind = pmDirect
			}
		}
		if tr != nil {
			tr.Principal = &MatchTrace{Matched: kind != pmNone, Not: st.notPrin}
		}
		if kind == pmNone {
			return pmNone, false
		}
	}
	e.undef |= st.undef
	ok := true
	for i := range st.conds {
		var ct *CondTrace
		if tr != nil {
			c := &st.conds[i]
			tr.Conditions = append(tr.Conditions, CondTrace{Operator: c.opText, Key: c.keyText, PolicyValues: valueTexts(c.values)})
			ct = &tr.Conditions[len(tr.Conditions)-1]
		}
		// Every condition is evaluated, not only up to the first false one, so that
		// every key the statement needs shows up in Missing.
		if !e.evalCondition(&st.conds[i], r, ct) {
			ok = false
		}
	}
	if tr != nil {
		tr.Applies = ok
	}
	return kind, ok
}

// addMissing records a missing context key once (keys are case-insensitive).
// Past a few keys a set takes over from the scan: a condition block with
// thousands of keys must not cost their square.
func (e *Evaluator) addMissing(key string) {
	const scan = 16
	if len(e.missing) < scan {
		for _, k := range e.missing {
			e.steps++
			if strings.EqualFold(k, key) {
				return
			}
		}
		e.missing = append(e.missing, key)
		return
	}
	if e.missingSet == nil {
		e.missingSet = make(map[string]struct{})
	}
	if len(e.missingSet) == 0 {
		for _, k := range e.missing {
			e.missingSet[foldKey(k)] = struct{}{}
		}
	}
	fk := foldKey(key)
	if _, ok := e.missingSet[fk]; ok {
		return
	}
	e.missingSet[fk] = struct{}{}
	e.missing = append(e.missing, key)
}

// foldKey is a map key under which strings.EqualFold-equal keys meet.
func foldKey(s string) string { return strings.ToLower(strings.ToUpper(s)) }

func valueTexts(vs []Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Text
	}
	return out
}
