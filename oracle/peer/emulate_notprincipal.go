package peer

import (
	"iter"

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
	for st, np := range rc.notPrincipalStatements("Allow") {
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

// emulateNotPrincipalDenyParent: the peer leaves out of a Deny's NotPrincipal
// every principal of a listed account and every session of a listed role; AWS's
// NotPrincipal page denies "all principals except" the caller named beside its
// account and role, so an account or a role listed alone leaves out only the
// account root or the role (docs/semantics.md §4.4). Such statements that list the
// caller's account or role but not the caller are rewritten to list the caller,
// its account and its role, which the model leaves out too.
func emulateNotPrincipalDenyParent(rc *rewriteCase) bool {
	p, err := model.ParsePrincipal(rc.req.Principal)
	if err != nil || p.Type == model.PrincipalRoot {
		return false
	}
	role := p.RoleARN()
	changed := false
	for _, np := range rc.notPrincipalStatements("Deny") {
		aws := np.get("AWS").strings()
		parent, self := false, false
		for _, v := range aws {
			switch v {
			case rc.req.Principal:
				self = true
			case p.Account, p.RootARN():
				parent = true
			default:
				parent = parent || role != "" && v == role
			}
		}
		if !parent || self {
			continue
		}
		list := &node{kind: '['}
		for _, v := range append(aws, rc.req.Principal, p.Account) {
			list.items = append(list.items, stringNode(v))
		}
		if role != "" && role != rc.req.Principal {
			list.items = append(list.items, stringNode(role))
		}
		np.set("AWS", list)
		changed = true
	}
	return changed
}

// notPrincipalStatements yields the resource policies' statements of the given
// effect that name their principals by NotPrincipal (and have no Principal),
// with that NotPrincipal.
func (rc *rewriteCase) notPrincipalStatements(effect string) iter.Seq2[*node, *node] {
	return func(yield func(*node, *node) bool) {
		for st := range rc.statements(model.ResourcePolicy) {
			np := st.get("NotPrincipal")
			if np == nil || st.get("Principal") != nil {
				continue
			}
			if eff, _ := st.get("Effect").str(); eff != effect {
				continue
			}
			if !yield(st, np) {
				return
			}
		}
	}
}
