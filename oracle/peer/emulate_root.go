package peer

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// emulateRoot: the peer evaluates the root user like any other principal (no full
// access to its own account's resources). The model does so for a role; the root's
// principal keys are kept by giving them in the context.
func emulateRoot(rc *rewriteCase) bool {
	p, err := model.ParsePrincipal(rc.req.Principal)
	if err != nil || p.Type != model.PrincipalRoot {
		return false
	}
	acct := p.Account
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
	rc.req.Principal = model.Principal{Type: model.PrincipalRole, Partition: p.Partition, Account: acct, Name: "iamfuzz-emulated-root"}.ARN()
	return true
}
