package properties

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/source"
)

// Error classes. Test and branch on them with errors.Is, never on message text.
var (
	// ErrViolation is wrapped by every invariant violation.
	ErrViolation = errors.New("invariant violated")
	// ErrMFAGate: a request without MFA is allowed an action outside the spec's
	// MFA allow-list.
	ErrMFAGate = fmt.Errorf("%w: mfa-gate", ErrViolation)
	// ErrOwnerOnly: a caller is allowed to act on a resource the spec declares as
	// owned by another user.
	ErrOwnerOnly = fmt.Errorf("%w: owner-only", ErrViolation)
	// ErrLiveness: a request the spec says must work is denied.
	ErrLiveness = fmt.Errorf("%w: liveness", ErrViolation)
	// ErrNever: a request a never rule names is allowed.
	ErrNever = fmt.Errorf("%w: never", ErrViolation)
	// ErrOnly: an allowed request is outside the spec's only envelope.
	ErrOnly = fmt.Errorf("%w: only", ErrViolation)
	// ErrNoEscalation: the bundle allows a documented privilege escalation method.
	ErrNoEscalation = fmt.Errorf("%w: no-escalation", ErrViolation)
	// ErrNoFullAccess: the bundle allows every action on every resource.
	ErrNoFullAccess = fmt.Errorf("%w: no-full-access", ErrViolation)
	// ErrNoNewAccess: the new policies allow a request the baseline did not.
	ErrNoNewAccess = fmt.Errorf("%w: no-new-access", ErrViolation)

	// ErrBadInput is wrapped by every error about the input itself (a policy or a
	// spec that cannot be read or is malformed); the check command exits 2 on it.
	ErrBadInput = errors.New("bad input")
	// ErrTrustPolicy: the file is a valid role trust policy (it names a Principal
	// and has no Resource: the role is the resource). The invariants are about
	// what an identity policy allows, so there is nothing to check; it is not bad
	// input, and LoadTargets leaves such files out.
	ErrTrustPolicy = errors.New("a valid role trust policy: the invariants concern identity policies, nothing to check")
	// ErrResourcePolicy: the file is a valid resource-based policy (a bucket or
	// queue policy: it names a Principal and a Resource). Like a trust policy it
	// has nothing to check on its own; it decides beside an identity policy
	// (--resource-policy FILE=ARN, a spec's policies), and LoadTargets leaves it
	// out.
	ErrResourcePolicy = errors.New("a valid resource-based policy (it names a Principal, which an identity policy may not, and a Resource): the invariants concern identity policies; it is checked beside one with --resource-policy FILE=ARN")
	// ErrInvalidPolicy: a policy file does not parse or validate.
	ErrInvalidPolicy = fmt.Errorf("%w: invalid policy", ErrBadInput)
	// ErrInvalidSpec is wrapped by every spec error kind below.
	ErrInvalidSpec = fmt.Errorf("%w: invalid spec", ErrBadInput)
	// ErrSpecSyntax: the spec is not well-formed YAML.
	ErrSpecSyntax = fmt.Errorf("%w: syntax", ErrInvalidSpec)
	// ErrSpecUnknownKey: a key the spec format does not define (often a typo).
	ErrSpecUnknownKey = fmt.Errorf("%w: unknown key", ErrInvalidSpec)
	// ErrSpecMissingKey: a required key is absent.
	ErrSpecMissingKey = fmt.Errorf("%w: missing key", ErrInvalidSpec)
	// ErrSpecDuplicate: a key or a rule name given twice.
	ErrSpecDuplicate = fmt.Errorf("%w: duplicate", ErrInvalidSpec)
	// ErrSpecInvalidValue: a value of the wrong type or outside its allowed set.
	ErrSpecInvalidValue = fmt.Errorf("%w: invalid value", ErrInvalidSpec)
	// ErrSpecUnknownAction: an action that is not in the AWS action catalogue.
	ErrSpecUnknownAction = fmt.Errorf("%w: unknown action", ErrInvalidSpec)
	// ErrSpecTemplate: a malformed ARN template.
	ErrSpecTemplate = fmt.Errorf("%w: invalid template", ErrInvalidSpec)
)

// SpecError is one defect of a spec file, located by its YAML path (for example
// liveness[1].actions[3]) and its line and column.
type SpecError struct {
	File         string
	Path         string // "" for the document itself
	Line, Column int    // 1-based; 0 when unknown
	Kind         error  // one of the ErrSpec… kinds
	Msg          string
}

func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrSpecUnknownKey) and errors.Is(err, ErrBadInput) work.
func (e *SpecError) Unwrap() error { return e.Kind }

// SpecErrors holds every defect found in one spec file, so that a user fixes them
// all in one pass.
type SpecErrors []*SpecError

func (l SpecErrors) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap exposes every error to errors.Is and errors.As.
func (l SpecErrors) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// PolicyFileError is a policy file that could not be read, parsed or validated.
// Its message names the file, and for each defect the line and column, the JSON
// path and the reason. A policy extracted from a template or plan (Source set)
// is named by its file and logical id or address, and its defects are located in
// the template's own lines.
type PolicyFileError struct {
	File   string
	Err    error // a model.ErrorList, a *source.Error, or the I/O error
	data   []byte
	Source *source.Policy // nil for a policy file read as it is
}

func (e *PolicyFileError) Error() string {
	var list model.ErrorList
	if !errors.As(e.Err, &list) {
		var se *source.Error
		if errors.As(e.Err, &se) {
			return se.Error() // names the file and the place already
		}
		return e.File + ": " + e.Err.Error()
	}
	parts := make([]string, len(list))
	for i, pe := range list {
		d := e.defect(pe)
		loc := d.File
		if d.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column)
		}
		if e.Source != nil && e.Source.ID != "" {
			loc += " (" + e.Source.Name + ")"
		}
		parts[i] = loc + ": " + d.Message
	}
	return strings.Join(parts, "\n")
}

// Defect is one defect of a policy file, located for reports (SARIF places each at
// its own line).
type Defect struct {
	File         string
	Line, Column int // 1-based; 0 when unknown
	Message      string
}

// Defects lists the error's defects, each at its place in the file.
func (e *PolicyFileError) Defects() []Defect {
	var list model.ErrorList
	if errors.As(e.Err, &list) {
		out := make([]Defect, len(list))
		for i, pe := range list {
			out[i] = e.defect(pe)
		}
		return out
	}
	var se *source.Error
	if errors.As(e.Err, &se) {
		return []Defect{{File: se.File, Line: se.Pos.Line, Column: se.Pos.Column, Message: se.Error()}}
	}
	return []Defect{{File: e.File, Message: e.Error()}}
}

func (e *PolicyFileError) defect(pe *model.PolicyError) Defect {
	d := Defect{File: e.File, Message: pe.Error()}
	if pe.Kind != nil {
		d.Message += " (" + pe.Kind.Name() + ")"
	}
	switch {
	case e.Source != nil:
		// A plan's policy is one string: its defects are placed at the string.
		d.File = e.Source.File
		pos := e.Source.Locate(pe.Offset)
		d.Line, d.Column = pos.Line, pos.Column
	case pe.Offset >= 0:
		at := model.PositionAt(e.data, pe.Offset)
		d.Line, d.Column = at.Line, at.Column
	}
	return d
}

// Unwrap exposes both ErrInvalidPolicy and the model's error kinds, so that
// errors.Is(err, model.ErrInvalidEffect) works on a loaded file.
func (e *PolicyFileError) Unwrap() []error { return []error{ErrInvalidPolicy, e.Err} }

// badInput marks an error of package source as ErrBadInput without repeating
// "bad input" in its message.
type badInput struct{ err error }

func (e badInput) Error() string   { return e.err.Error() }
func (e badInput) Unwrap() []error { return []error{ErrBadInput, e.err} }
