package peer

import (
	"github.com/iamfuzz/iamfuzz/model"
)

// emulateNotPrincipalAllow: AWS does not support NotPrincipal with Allow (the
// NotPrincipal page; older text: it grants everyone not listed), so how a permissions
// boundary limits such a grant is undocumented. The model treats it like a "*"
// grant, which a boundary does not cap (docs/semantics.md §3.3); for a caller given as
// a role ARN the peer caps it, like a grant to the role. Such statements that do not
// exclude the caller are rewritten to name the caller's role, which the model caps.
func emulateNotPrincipalAllow(rc *rewriteCase) bool {
	p, err := model.ParsePrincipal(rc.req.Principal)
	if err != nil || p.Type != model.PrincipalRole {
		return false
	}
	acct := p.Account
	changed := false
	for st := range rc.statements(model.ResourcePolicy) {
		np := st.get("NotPrincipal")
		if np == nil || st.get("Principal") != nil {
			continue
		}
		if eff, _ := st.get("Effect").str(); eff != "Allow" {
			continue
		}
		excluded := false
		if s, ok := np.str(); ok && s == "*" {
			excluded = true
		}
		for _, v := range np.get("AWS").strings() {
			if v == "*" || v == acct || v == rc.req.Principal || v == p.RootARN() {
				excluded = true
			}
		}
		if excluded {
			continue
		}
		st.del("NotPrincipal")
		pr := &node{kind: '{'}
		pr.set("AWS", stringNode(rc.req.Principal))
		st.set("Principal", pr)
		changed = true
	}
	return changed
}
