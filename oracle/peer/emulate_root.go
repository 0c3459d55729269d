package peer

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// emulateRoot: the peer evaluates the root user like any other principal (no full
// access to its own account's resources). The model does so for a role; the root's
// principal keys are kept by giving them in the context.
func emulateRoot(rc *rewriteCase) bool {
	parts := strings.Split(rc.req.Principal, ":")
	if len(parts) != 6 || parts[2] != "iam" || parts[5] != "root" {
		return false
	}
	acct := parts[4]
	keys := map[string]string{
		"aws:PrincipalType": "Account",
		"aws:userid":        acct,
		"aws:PrincipalArn":  rc.req.Principal,
	}
	if rc.req.Context == nil {
		rc.req.Context = map[string]jsontext.Value{}
	}
	for k, v := range keys {
		given := false
		for ck := range rc.req.Context {
			if strings.EqualFold(ck, k) {
				given = true
			}
		}
		if !given {
			rc.req.Context[k], _ = jsontext.AppendQuote(nil, v)
		}
	}
	rc.req.Principal = "arn:" + parts[1] + ":iam::" + acct + ":role/iamfuzz-emulated-root"
	return true
}
