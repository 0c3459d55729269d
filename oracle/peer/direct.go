package peer

import (
	"slices"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// The classes recognised by a direct test: the peer answers another question
// than the model (see known.go). Each test names exactly that situation.

// isGetCallerIdentity: AWS documents that sts:GetCallerIdentity needs no permission
// and cannot be denied; the peer always allows it, without a matched statement,
// while the model decides it by policy logic with the note not-enforced, as AWS's
// policy simulator does (docs/semantics.md §8.2).
func isGetCallerIdentity(c *model.Case, a, b oracle.Result) bool {
	modelOK := a.Err == "" && slices.Contains(a.Notes, "not-enforced") ||
		a.Err != "" && slices.Contains(policyErrorKinds, a.ErrKind)
	return strings.EqualFold(c.Request.Action, "sts:GetCallerIdentity") && modelOK &&
		b.Err == "" && b.Decision == "allowed" && len(b.Matched) == 0
}

// policyErrorKinds are the model's errors for policies IAM rejects (docs/semantics.md
// §1.4): with one of them the model has no decision to compare, whatever the peer
// says.
var policyErrorKinds = []string{"unknown-operator", "null-with-ifexists", "invalid-sid", "duplicate-key"}

// isWildcardRequest: a '*' or '?' in the request's resource ARN is a character of a
// name to AWS (an S3 key may be "*"), but the peer reads it as a pattern and
// simulates every resource of the policies that overlaps it (its note
// peer-wildcard-resource): it answers another question.
func isWildcardRequest(c *model.Case, b oracle.Result) bool {
	return c.Request.Resource != "*" && strings.ContainsAny(c.Request.Resource, "*?") &&
		slices.Contains(b.Notes, "peer-wildcard-resource")
}

// The peer's refusals of a request whose resource is not of the action's resource
// types (the library's own error codes).
var resourceTypeErrors = []string{"must.use.wildcard", "no.resource.types"}

// isResourceTypeRejected: the peer refuses a request whose resource cannot be the
// action's (for instance "*" for iam:GetUser); AWS never makes such a request, and
// its policy simulator evaluates any pair, as the model does (with a warning).
// The catalogue confirms that the resource does not fit.
func isResourceTypeRejected(c *model.Case, a, b oracle.Result) bool {
	if a.Err != "" || b.ErrKind != "peer" || !slices.Contains(resourceTypeErrors, b.Err) {
		return false
	}
	fits, known := catalogue().ResourceFits(c.Request.Action, c.Request.Resource)
	return known && !fits
}

var catalogue = sync.OnceValue(catalog.MustLoad)
