package peer

import (
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// emulateAWSOwned: a resource whose ARN has the account field "aws" (an AWS
// managed policy, arn:aws:iam::aws:policy/ReadOnlyAccess) belongs to AWS, not to
// another account, so the caller's identity Allow decides (docs/semantics.md
// §3.4); the peer treats "aws" as another account, which without a resource-based
// policy denies. The account field is rewritten to an account that is nobody's.
func emulateAWSOwned(rc *rewriteCase) bool {
	parts := strings.SplitN(rc.req.Resource, ":", 6)
	if len(parts) != 6 || parts[4] != "aws" || rc.hasResourcePolicy() {
		return false
	}
	parts[4] = "000000000000"
	rc.req.Resource = strings.Join(parts, ":")
	return true
}

// emulateKMSNoKeyPolicy: every KMS key has a key policy, which must allow too. A
// case on a KMS key that gives none is decided on the given policies, with the
// note resource-policy-not-given, as AWS's policy simulator decides it without a
// ResourcePolicy (docs/semantics.md §3.3 rule 5); the peer assumes the key has no
// key policy at all and denies. The emulation gives the key a policy that allows
// nobody.
func emulateKMSNoKeyPolicy(rc *rewriteCase) bool {
	parts := strings.SplitN(rc.req.Resource, ":", 6)
	if len(parts) != 6 || parts[2] != "kms" || !strings.HasPrefix(parts[5], "key/") || rc.hasResourcePolicy() {
		return false
	}
	tree, err := parseTree([]byte(`{"Version":"2012-10-17","Statement":[` + neutralResourceStatement + `]}`))
	if err != nil {
		return false
	}
	rc.policies = append(rc.policies, &rewritePolicy{ref: model.PolicyRef{Type: model.ResourcePolicy, Index: len(rc.orig.Policies.Resource)}, tree: tree, text: tree.encode(nil)})
	return true
}

func (rc *rewriteCase) hasResourcePolicy() bool {
	for _, p := range rc.policies {
		if p.ref.Type == model.ResourcePolicy {
			return true
		}
	}
	return false
}
