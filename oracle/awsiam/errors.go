package awsiam

import (
	"errors"

	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// Per-case errors. A case that the oracle cannot answer gets a Result with Err set
// and ErrKind naming one of these; test and branch on them with errors.Is.
var (
	// ErrBudgetExhausted: the call budget ran out before the case's call was made.
	ErrBudgetExhausted = errors.New("budget exhausted")
	// ErrUnsupported: the simulator cannot be asked this case faithfully (the root
	// user, several resource-based policies, a non-user caller where the simulator
	// needs CallerArn, …). The message says why.
	ErrUnsupported = errors.New("not expressible to the policy simulator")
	// ErrInvalidCase: the case's request cannot be built (the model rejects its
	// principal, action, resource or context), so no question can be asked.
	ErrInvalidCase = errors.New("invalid case")
	// ErrPrincipalMismatch: principal mode with a directory, and the case's
	// identity policies, boundary or SCPs are not the principal's attached ones.
	ErrPrincipalMismatch = errors.New("case does not describe the principal's attached policies")
	// ErrRejected: the simulator answered the case with an error about its input
	// (InvalidInput, PolicyEvaluation, MalformedPolicyDocument, NoSuchEntity). This
	// is an answer about the case and is recorded.
	ErrRejected = errors.New("rejected by the policy simulator")
	// ErrThrottled: still throttled after every retry.
	ErrThrottled = errors.New("throttled")
	// ErrServer: a 5xx answer after every retry.
	ErrServer = errors.New("server error")
	// ErrAPI: another error answer that is not about the case's input.
	ErrAPI = errors.New("API error")
	// ErrTransport: the network failed after every retry.
	ErrTransport = errors.New("transport error")
	// ErrTimeout: every attempt outlasted the attempt timeout (ClientOptions).
	ErrTimeout = errors.New("attempt timed out")
	// ErrMalformed: the answer could not be read (not XML, an unknown decision,
	// endless pagination, contradicting results).
	ErrMalformed = errors.New("malformed response")
	// ErrIncomplete: the answer was read but holds no result for the case's action
	// and resource. Nothing is guessed.
	ErrIncomplete = errors.New("incomplete answer")
)

// ErrAccess is returned by Decide itself, wrapped together with
// oracle.ErrUnavailable, when the oracle cannot use the simulator at all: no or
// expired credentials, a bad signature, access denied. No partial answers are
// returned then.
var ErrAccess = errors.New("no access to the policy simulator")

// Kind names, as they appear in Result.ErrKind and in reports.
const (
	KindBudgetExhausted   = "budget-exhausted"
	KindUnsupported       = "unsupported"
	KindInvalidCase       = "invalid-case"
	KindPrincipalMismatch = "principal-mismatch"
	KindRejected          = "aws-rejected"
	KindThrottled         = "throttled"
	KindServer            = "server-error"
	KindAPI               = "api-error"
	KindTransport         = "transport"
	KindTimeout           = "timeout"
	KindMalformed         = "malformed-response"
	KindIncomplete        = "incomplete-answer"
)

var kinds = []struct {
	err  error
	name string
}{
	{ErrBudgetExhausted, KindBudgetExhausted}, {ErrUnsupported, KindUnsupported}, {ErrInvalidCase, KindInvalidCase},
	{ErrPrincipalMismatch, KindPrincipalMismatch}, {ErrRejected, KindRejected}, {ErrThrottled, KindThrottled},
	{ErrServer, KindServer}, {ErrAPI, KindAPI}, {ErrTransport, KindTransport}, {ErrTimeout, KindTimeout}, {ErrMalformed, KindMalformed},
	{ErrIncomplete, KindIncomplete},
	{replay.ErrNotRecorded, replay.KindNotRecorded}, {replay.ErrConflict, replay.KindConflict},
}

// KindOf returns the kind name of a per-case error, or "" for other errors.
func KindOf(err error) string {
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return ""
}
