package properties

import (
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/source"
)

// StatementRef locates a statement of the checked policy, or of a policy around
// it (Policy and File then say which).
type StatementRef struct {
	// Policy is the role of the statement's policy when it is not the checked
	// identity policy: "boundary", "scp[0]", "rcp[0]", "resource", "session".
	Policy string `json:"policy,omitempty"`
	// File is the file of that policy; "" for the checked policy itself.
	File   string `json:"file,omitempty"`
	Index  int    `json:"index"` // 0-based index in the Statement list
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
	Line   int    `json:"line"` // 1-based line of the statement's opening brace
	Column int    `json:"column"`
	// Decided is true when the statement decided the request; false when it is
	// only the nearest statement of an implicitDeny (see Why).
	Decided bool `json:"decided"`
	// Why says, for a statement that did not decide, how it missed the request.
	Why string `json:"why,omitempty"`

	// where, when set, is the statement's place in the file the checked policy was
	// extracted from: file:line:column in a template, or for a policy of a Terraform
	// plan its address (the plan holds it as one string).
	where string
}

// Name is the statement's Sid, or "statement N".
func (s *StatementRef) Name() string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("statement %d", s.Index)
}

// Label names the statement with its details in parentheses: "Sid (Allow,
// statement 3)", or for a statement without a Sid, whose Name is its index
// already, "statement 3 (Allow)". of follows the index (" of the boundary
// policy"); effect adds the Effect.
func (s *StatementRef) Label(effect bool, of string) string {
	idx := fmt.Sprintf("statement %d%s", s.Index, of)
	var details []string
	if effect {
		details = append(details, s.Effect)
	}
	if s.Sid == "" {
		if len(details) == 0 {
			return idx
		}
		return idx + " (" + strings.Join(details, ", ") + ")"
	}
	return s.Sid + " (" + strings.Join(append(details, idx), ", ") + ")"
}

func (t *Target) statementRef(i int, decided bool, why string) *StatementRef {
	return t.inSource(statementIn(t.Policy, i, decided, why), i)
}

// inSource places a statement of the checked policy in the file it was extracted
// from, when that is a template or a plan.
func (t *Target) inSource(ref *StatementRef, i int) *StatementRef {
	if src := t.Source; ref != nil && src != nil && src.Format != source.PolicyJSON {
		// In a template the statement is at the template's own line; a plan's policy
		// is one string, so there is no line to give (0) and the address names it.
		st := &t.Policy.Statements[i]
		pos := src.Locate(st.Offset())
		ref.Line, ref.Column, ref.where = 0, 0, src.Name
		if src.Precise() {
			ref.Line, ref.Column, ref.where = pos.Line, pos.Column, fmt.Sprintf("%s:%d:%d", src.File, pos.Line, pos.Column)
		}
	}
	return ref
}

func statementIn(pol *model.Policy, i int, decided bool, why string) *StatementRef {
	if i < 0 || i >= len(pol.Statements) {
		return nil
	}
	st := &pol.Statements[i]
	at := st.Span.Start // the parser's position: columns in characters
	return &StatementRef{Index: i, Sid: st.Sid, Effect: st.Effect, Line: at.Line, Column: at.Column, Decided: decided, Why: why}
}

// matchRef locates a deciding statement, in whichever policy of the bundle it is.
func (t *Target) matchRef(m model.Match, resource string) *StatementRef {
	file, pol := t.policyOf(m, resource)
	ref := statementIn(pol, m.Statement, true, "")
	own := m.Type == model.IdentityPolicy && pol == t.Policy
	if own {
		ref = t.inSource(ref, m.Statement)
	}
	if ref != nil && m.Type == model.IdentityPolicy && !own && t.Around != nil && m.Policy <= len(t.Around.Identity) {
		return attachedRef(ref, t.Around.Identity[m.Policy-1], m.Statement)
	}
	if ref != nil && m.Type == model.BoundaryPolicy && t.Around != nil && t.Around.Boundary != nil && t.Around.Boundary.attached != nil {
		// The template's or plan's own permissions boundary of the principal.
		return attachedRef(ref, t.Around.Boundary, m.Statement)
	}
	if ref != nil && !own {
		ref.Policy, ref.File = m.PolicyName(), file
		if m.Type == model.ResourcePolicy || m.Type == model.BoundaryPolicy || m.Type == model.SessionPolicy {
			ref.Policy = m.Type.String()
		}
	}
	return ref
}

// attachedRef places a statement of a managed policy attached beside the
// checked one: the file's own policy's at its line in the file (a plan's at
// its address), an AWS managed policy's, which is in no file, at the
// attachment. Its Policy is the attached policy's name (ARN or file#id).
func attachedRef(ref *StatementRef, pf *PolicyFile, i int) *StatementRef {
	ref.Policy, ref.File = pf.Path, pf.file
	a := pf.attached
	if a == nil {
		return ref
	}
	if own := a.Own; own != nil {
		ref.File = own.File
		if !own.Precise() {
			ref.Line, ref.Column, ref.where = 0, 0, own.Name
			return ref
		}
		pos := own.Locate(pf.Policy.Statements[i].Offset())
		ref.Line, ref.Column = pos.Line, pos.Column
		return ref
	}
	ref.Line, ref.Column = a.Pos.Line, a.Pos.Column
	return ref
}

// Location is "file:line:col" of the statement; path is the checked policy's file.
// For a policy of a Terraform plan, whose statements have no line, it is the
// policy's name (file#address).
func (s *StatementRef) Location(path string) string {
	if s.where != "" && (s.File == "" || s.Line == 0) {
		// A plan's policy is one string: its statements have no line.
		return s.where
	}
	if s.File != "" {
		path = s.File
	}
	if s.Line == 0 && s.Sid == assumedAllowSid {
		// An MFA guard's assumed allow-all (withAssumedAllow) is in no file.
		return "(assumed beside " + path + ": the user's other policies)"
	}
	return fmt.Sprintf("%s:%d:%d", path, s.Line, s.Column)
}

// Explain fills v.Statement: the first statement that decided, or for an
// implicitDeny the nearest Allow statement (one whose action matches) with how it
// missed the request; nil when no statement even matches the action.
func (t *Target) Explain(v *Violation) {
	if len(v.Matched) > 0 {
		v.Statement = t.matchRef(v.Matched[0], v.Request.Resource)
		return
	}
	e := t.evals.Get().(*model.Evaluator)
	res, tr := e.Explain(t.bundleFor(v.Request), v.Request)
	t.evals.Put(e)
	if tr == nil || len(tr.Policies) == 0 {
		return
	}
	var best *model.StatementTrace
	rank := 0
	for i := range tr.Policies[0].Statements {
		s := &tr.Policies[0].Statements[i]
		if s.Deny || !s.Action.Matched {
			continue
		}
		r := 1
		if s.Resource.Matched {
			r = 2
		}
		if r > rank {
			best, rank = s, r
		}
	}
	if best == nil {
		return
	}
	st := &t.Policy.Statements[best.Index]
	var why string
	if rank == 1 {
		res := st.Resource
		elem := "Resource"
		if res == nil {
			res, elem = st.NotResource, "NotResource"
		}
		why = fmt.Sprintf("it allows %s, but its %s %s does not match %s", v.Request.Action, elem, quoteList(res), v.Request.Resource)
		if c, err := ParseCaller(v.Request.Principal); err == nil && c.Kind == UserCaller && c.Path != "" && strings.Contains(strings.Join(res.Values, ""), "${aws:username}") {
			why += " (${aws:username} is the user name without its path)"
		}
	} else {
		var failed []string
		for _, c := range best.Conditions {
			if !c.Result {
				req := "absent"
				if c.Present {
					req = fmt.Sprintf("%q", c.RequestValues)
				}
				failed = append(failed, fmt.Sprintf("%s %s %q (request: %s)", c.Operator, c.Key, c.PolicyValues, req))
			}
		}
		why = fmt.Sprintf("it allows %s on %s, but its Condition does not hold: %s", v.Request.Action, v.Request.Resource, strings.Join(failed, "; "))
		if len(failed) == 0 {
			// The statement applies: a policy around this one keeps the request out.
			why = fmt.Sprintf("it allows %s on %s, but %s", v.Request.Action, v.Request.Resource, res.Reason)
		}
	}
	v.Statement = t.statementRef(best.Index, false, why)
}

func quoteList(l *model.StringList) string {
	if l == nil {
		return "[]"
	}
	if len(l.Values) == 1 {
		return l.Values[0]
	}
	return "[" + strings.Join(l.Values, ", ") + "]"
}

// ReplayCase returns the violation as one line of the eval format: the policy by
// reference ({"$ref": path}, resolved against the current directory when read
// from standard input), the request, and as expectation the decision observed,
// so that "iamfuzz eval" confirms it and a fixed policy makes it fail.
func (t *Target) ReplayCase(v *Violation, id string) []byte {
	c := struct {
		ID       string            `json:"id"`
		Policies map[string]any    `json:"policies"`
		Request  model.CaseRequest `json:"request"`
		Expect   string            `json:"expect"`
		Source   string            `json:"source"`
	}{
		ID:       id,
		Policies: t.casePolicies(v.Request.Resource),
		Request:  CaseRequestOf(v.Request),
		Expect:   v.Decision.String(),
		Source:   fmt.Sprintf("iamfuzz check: %s %s: %s", v.Invariant, v.Severity, v.Rule),
	}
	if t.Around != nil && t.Around.Session != nil {
		c.Source += " (the eval format has no session policies: this replay omits " + t.Around.Session.Path + ")"
	}
	b, err := json.Marshal(c, json.Deterministic(true))
	if err != nil {
		panic("properties: marshalling a replay case: " + err.Error()) // only plain strings and maps: cannot fail
	}
	return b
}

// casePolicies names the bundle's policy files in the eval format ({"$ref":
// path}): the identity policy, and the policies around it that decide a request
// for resource.
func (t *Target) casePolicies(resource string) map[string]any {
	ref := func(p string) any { return map[string]string{"$ref": p} }
	own := ref(t.Path)
	if t.replayDoc != nil {
		own = jsontext.Value(t.replayDoc)
	}
	ids := []any{own}
	s := t.Around
	if s != nil {
		// The managed policies attached beside it, inline: AWS's have no file,
		// and the file's own may have been resolved with given parameters.
		for _, p := range s.Identity {
			ids = append(ids, jsontext.Value(p.Policy.Marshal()))
		}
	}
	if t.Spec.DefaultKind == DefaultMFAGuard {
		// The guard was checked beside an assumed allow-all (withAssumedAllow),
		// last so that identity[i] names the bundle's policy i.
		ids = append(ids, assumedAllowDoc)
	}
	out := map[string]any{"identity": ids}
	if s == nil {
		return out
	}
	if s.Boundary != nil {
		out["boundary"] = []any{ref(s.Boundary.Path)}
	}
	levels := func(ps []*PolicyFile) []any {
		var l []any
		for _, p := range ps {
			l = append(l, []any{ref(p.Path)})
		}
		return l
	}
	if len(s.SCP) > 0 {
		out["scp"] = levels(s.SCP)
	}
	if len(s.RCP) > 0 {
		out["rcp"] = levels(s.RCP)
	}
	var rps []any
	for _, rp := range s.Resource {
		if rp.Fits(resource) {
			rps = append(rps, ref(rp.Path))
		}
	}
	if len(rps) > 0 {
		out["resource"] = rps
	}
	return out
}

// ReplayCommand is the shell command that replays a violation with an
// explanation of every statement.
func (t *Target) ReplayCommand(v *Violation) string {
	return "echo " + shellQuote(string(t.ReplayCase(v, "replay"))) + " | iamfuzz eval --explain"
}

// RequestJSON returns the violation's request in the eval format, on one line.
func RequestJSON(v *Violation) jsontext.Value {
	b, err := json.Marshal(CaseRequestOf(v.Request), json.Deterministic(true))
	if err != nil {
		panic("properties: marshalling a request: " + err.Error())
	}
	return b
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
