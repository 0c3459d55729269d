package peer

import (
	"slices"

	"github.com/iamfuzz/iamfuzz/model"
)

// emulateFederatedAsUser: the name in a federated-user ARN
// (arn:aws:sts::A:federated-user/NAME) is the one the caller passed to
// GetFederationToken, not the name of the IAM user who called it
// (docs/semantics.md §6.1), so a resource-based policy that names
// arn:aws:iam::A:user/NAME does not name the session. The peer assumes it does
// (its SessionUserMatch: the grant of the IAM user who federated, §3.3). Such
// entries are rewritten to name the session itself, which for a Deny, and for an
// Allow without a permissions boundary, has the same effect; a boundary would cap
// the user's grant but not the session's, so then nothing is emulated.
func emulateFederatedAsUser(rc *rewriteCase) bool {
	p, err := model.ParsePrincipal(rc.req.Principal)
	if err != nil || p.Type != model.PrincipalFederatedUser {
		return false
	}
	userARN := model.Principal{Type: model.PrincipalUser, Partition: p.Partition, Account: p.Account, Name: p.Name}.ARN()
	boundary := slices.ContainsFunc(rc.policies, func(p *rewritePolicy) bool { return p.ref.Type == model.BoundaryPolicy })
	changed, failed := false, false
	for st := range rc.statements(model.ResourcePolicy) {
		eff, _ := st.get("Effect").str()
		for _, key := range []string{"Principal", "NotPrincipal"} {
			aws := st.get(key).get("AWS")
			if aws == nil {
				continue
			}
			for _, v := range aws.elems() {
				if s, ok := v.str(); ok && s == userARN {
					if eff == "Allow" && boundary {
						failed = true
					}
					*v = *stringNode(rc.req.Principal)
					changed = true
				}
			}
		}
	}
	return changed && !failed
}
