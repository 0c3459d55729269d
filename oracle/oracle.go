// Package oracle is the one interface for "who decides": the reference model, AWS's
// policy simulator, answers recorded from AWS, and the independent peer simulator.
// A differential run (Diff) asks two oracles the same cases and classifies every
// answer as agreement, disagreement, or skipped with a reason.
package oracle

import (
	"context"
	"errors"

	"github.com/iamfuzz/iamfuzz/model"
)

// Oracle decides cases. Decide returns one Result per case, in order; a case that
// cannot be decided gets a Result with Err set, and the error return is only for
// failures of the oracle itself (a dead subprocess, a network that is gone), in
// which case no partial answers are returned.
type Oracle interface {
	Name() string
	Decide(ctx context.Context, cases []*model.Case) ([]Result, error)
	Close() error
}

// Result is one oracle's answer to one case, in the eval format's terms.
type Result struct {
	ID        string         `json:"id"`
	Decision  string         `json:"decision,omitempty"` // allowed, explicitDeny, implicitDeny
	Matched   []MatchedStmt  `json:"matched,omitempty"`
	Missing   []string       `json:"missing,omitempty"`
	Undefined []string       `json:"undefined,omitempty"` // UNDEF reasons (model only)
	Notes     []string       `json:"notes,omitempty"`
	Dropped   []string       `json:"dropped,omitempty"` // context keys the oracle ignored (peer)
	Err       string         `json:"error,omitempty"`
	ErrKind   string         `json:"errorKind,omitempty"`
	Extra     map[string]any `json:"extra,omitempty"` // oracle-specific detail for reports
}

// MatchedStmt names a statement that decided, as in the eval format.
type MatchedStmt struct {
	Policy    string `json:"policy"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
}

// ErrUnavailable means an oracle cannot run here (no node, no credentials, …);
// callers report it and skip rather than fail.
var ErrUnavailable = errors.New("oracle unavailable")

// FromModel converts a model decision into an oracle Result.
func FromModel(id string, r *model.Result) Result {
	out := Result{ID: id, Decision: r.Decision.String(), Missing: append([]string(nil), r.Missing...),
		Undefined: r.Undef.Names(), Notes: r.Notes.Names()}
	for _, m := range r.Matched {
		out.Matched = append(out.Matched, MatchedStmt{Policy: m.PolicyName(), Statement: m.Statement, Sid: m.Sid})
	}
	return out
}

// FromError converts an undecidable case into an oracle Result.
func FromError(id string, err error) Result {
	return Result{ID: id, Err: err.Error(), ErrKind: model.KindOf(err)}
}
