package model

import (
	"fmt"
	"io"
	"strings"
)

// Trace records how every statement fared against one request; Explain fills it.
type Trace struct {
	Policies []PolicyTrace
}

// PolicyTrace is the trace of one policy.
type PolicyTrace struct {
	Ref        PolicyRef
	Name       string // Ref.String(): identity[0], scp[1][0], …
	Statements []StatementTrace
}

// StatementTrace says, for one statement, which parts matched and why.
type StatementTrace struct {
	Index      int
	Sid        string
	Deny       bool
	Action     MatchTrace
	Resource   MatchTrace
	Principal  *MatchTrace
	Conditions []CondTrace
	Applies    bool
}

// MatchTrace is the outcome of matching the action, resource or principal element.
type MatchTrace struct {
	Matched bool   // after NotAction/NotResource/NotPrincipal inversion
	Not     bool   // the element was NotAction/NotResource/NotPrincipal
	Pattern string // the pattern that matched, if any
	// Implied: a trust policy statement, which names no Resource: the role it is
	// attached to is the resource.
	Implied bool
}

// CondTrace is the outcome of one condition key.
type CondTrace struct {
	Operator      string
	Key           string
	PolicyValues  []string
	Present       bool
	RequestValues []string
	Result        bool
	Why           string
}

// Explain decides like Decide and also returns the trace of every statement.
func (e *Evaluator) Explain(b *Bundle, r *Request) (Result, *Trace) {
	tr := &Trace{}
	e.trace = tr
	var out Result
	e.Decide(b, r, &out)
	e.trace = nil
	return out, tr
}

// WriteExplanation writes a human-readable account of a decision: the verdict and
// its reason, then each statement with what matched and why.
func WriteExplanation(w io.Writer, r *Request, res Result, tr *Trace) {
	fmt.Fprintf(w, "%s %s on %s\n", r.Principal, r.Action, r.Resource)
	fmt.Fprintf(w, "  decision: %s — %s", res.Decision, res.Reason)
	if res.Reason == ReasonSCP {
		fmt.Fprintf(w, " (level %d)", res.SCPLevel)
	}
	fmt.Fprintln(w)
	if len(res.Missing) > 0 {
		fmt.Fprintf(w, "  missing context keys: %s\n", strings.Join(res.Missing, ", "))
	}
	if n := res.Undef.Names(); len(n) > 0 {
		fmt.Fprintf(w, "  UNDEF (AWS does not document this; iamfuzz's choice): %s\n", strings.Join(n, ", "))
	}
	if res.Notes&NoteNotEnforced != 0 {
		fmt.Fprintf(w, "  note: AWS does not enforce policies for %s; this is policy logic only\n", r.Action)
	}
	if res.Notes&NoteRCPNotApplicable != 0 {
		fmt.Fprintf(w, "  note: the RCPs were left out: AWS does not apply RCPs to %s (docs/semantics.md §3.3 rule 3)\n", r.Action)
	}
	if tr == nil {
		return
	}
	for _, p := range tr.Policies {
		fmt.Fprintf(w, "  %s\n", p.Name)
		for _, s := range p.Statements {
			effect := "Allow"
			if s.Deny {
				effect = "Deny"
			}
			verdict := "does not apply"
			if s.Applies {
				verdict = "APPLIES"
			}
			name := fmt.Sprintf("statement %d", s.Index)
			if s.Sid != "" {
				name += " (" + s.Sid + ")"
			}
			fmt.Fprintf(w, "    %s %s: %s\n", name, effect, verdict)
			fmt.Fprintf(w, "      action:   %s\n", describeMatch(s.Action, "Action"))
			if !s.Action.Matched {
				continue
			}
			fmt.Fprintf(w, "      resource: %s\n", describeMatch(s.Resource, "Resource"))
			if !s.Resource.Matched {
				continue
			}
			if s.Principal != nil {
				fmt.Fprintf(w, "      principal: %s\n", describeMatch(*s.Principal, "Principal"))
				if !s.Principal.Matched {
					continue
				}
			}
			for _, c := range s.Conditions {
				mark := "false"
				if c.Result {
					mark = "true"
				}
				req := "absent"
				if c.Present {
					req = fmt.Sprintf("%q", c.RequestValues)
				}
				fmt.Fprintf(w, "      condition %s %s %q: request %s → %s (%s)\n", c.Operator, c.Key, c.PolicyValues, req, mark, c.Why)
			}
		}
	}
}

func describeMatch(m MatchTrace, elem string) string {
	switch {
	case m.Implied:
		return "the role itself (a trust policy names no " + elem + ")"
	case m.Not && m.Matched:
		return "not listed in Not" + elem + " → matches"
	case m.Not:
		return "listed in Not" + elem + " → does not match"
	case m.Matched && m.Pattern != "":
		return fmt.Sprintf("matches %q", m.Pattern)
	case m.Matched:
		return "matches"
	}
	return "no " + elem + " entry matches"
}
