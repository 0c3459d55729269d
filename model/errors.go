package model

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is a class of error. Kinds are sentinel values: test and branch on them with
// errors.Is, never on message text. Their names are stable and appear in the eval
// format as "errorKind".
type Kind struct{ name string }

func (k *Kind) Error() string { return k.name }

// Name is the stable, machine-readable name of the kind.
func (k *Kind) Name() string { return k.name }

// The error kinds. Each corresponds to a class of input that IAM or Access Analyzer
// rejects (docs/semantics.md §1.4), or to a malformed request.
var (
	ErrSyntax                 = &Kind{"syntax"}
	ErrDuplicateKey           = &Kind{"duplicate-key"}
	ErrInvalidType            = &Kind{"invalid-type"}
	ErrInvalidVersion         = &Kind{"invalid-version"}
	ErrMissingStatement       = &Kind{"missing-statement"}
	ErrMissingEffect          = &Kind{"missing-effect"}
	ErrInvalidEffect          = &Kind{"invalid-effect"}
	ErrMissingAction          = &Kind{"missing-action"}
	ErrMissingResource        = &Kind{"missing-resource"}
	ErrUnsupportedCombination = &Kind{"unsupported-combination"}
	ErrInvalidElement         = &Kind{"invalid-element"}
	ErrPrincipalInIdentity    = &Kind{"principal-in-identity-policy"}
	ErrMissingPrincipal       = &Kind{"missing-principal"}
	ErrInvalidPrincipal       = &Kind{"invalid-principal"}
	ErrInvalidAction          = &Kind{"invalid-action"}
	ErrVariableInElement      = &Kind{"variable-in-element"}
	ErrInvalidVariable        = &Kind{"invalid-variable"}
	ErrUnknownOperator        = &Kind{"unknown-operator"}
	ErrNullWithIfExists       = &Kind{"null-with-ifexists"}
	ErrInvalidConditionKey    = &Kind{"invalid-condition-key"}
	ErrDuplicateConditionKey  = &Kind{"duplicate-condition-key"}
	ErrInvalidSid             = &Kind{"invalid-sid"}
	ErrInvalidARN             = &Kind{"invalid-arn"}
	ErrInvalidCharacter       = &Kind{"invalid-character"}
	ErrTooManyBoundaries      = &Kind{"too-many-boundaries"}
	ErrInvalidRequest         = &Kind{"invalid-request"}
	ErrLineTooLong            = &Kind{"line-too-long"}
	ErrNoLineBreak            = &Kind{"no-line-break"}
	ErrTooLarge               = &Kind{"too-large"}
	ErrNotRegularFile         = &Kind{"not-regular-file"}
	ErrRefOutsideTree         = &Kind{"ref-outside-tree"}
	ErrResourceInTrustPolicy  = &Kind{"resource-in-trust-policy"}
)

// PolicyError is one defect of a policy document, located by its JSON path
// (for example Statement[2].Condition.BoolIfExists) and byte offset.
type PolicyError struct {
	Path   string // JSON path inside the document; "" for the document itself
	Offset int64  // byte offset of the offending value in the document, or -1
	Kind   *Kind
	Msg    string
}

func (e *PolicyError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrUnknownOperator) and the like work.
func (e *PolicyError) Unwrap() error { return e.Kind }

// ErrorList holds every defect found in one document, in document order, so that a
// user fixes them all in one pass instead of one per run.
type ErrorList []*PolicyError

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes every error to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// KindOf returns the name of the first error kind in err's tree, or "" if none.
func KindOf(err error) string {
	var k *Kind
	if errors.As(err, &k) {
		return k.name
	}
	return ""
}

// KindByName returns the kind with the given stable name.
func KindByName(name string) (*Kind, bool) {
	for _, k := range allKinds {
		if k.name == name {
			return k, true
		}
	}
	return nil, false
}

var allKinds = []*Kind{
	ErrSyntax, ErrDuplicateKey, ErrInvalidType, ErrInvalidVersion, ErrMissingStatement,
	ErrMissingEffect, ErrInvalidEffect, ErrMissingAction, ErrMissingResource,
	ErrUnsupportedCombination, ErrInvalidElement, ErrPrincipalInIdentity, ErrMissingPrincipal,
	ErrInvalidPrincipal, ErrInvalidAction, ErrVariableInElement, ErrInvalidVariable,
	ErrUnknownOperator, ErrNullWithIfExists, ErrInvalidConditionKey, ErrDuplicateConditionKey,
	ErrInvalidSid, ErrInvalidARN, ErrInvalidCharacter, ErrTooManyBoundaries, ErrInvalidRequest,
	ErrLineTooLong, ErrTooLarge, ErrNotRegularFile, ErrRefOutsideTree, ErrResourceInTrustPolicy,
}

// requestError builds an ErrInvalidRequest error for the field at path.
func requestError(path, format string, args ...any) error {
	return &PolicyError{Path: path, Offset: -1, Kind: ErrInvalidRequest, Msg: fmt.Sprintf(format, args...)}
}
