package source

import (
	"fmt"
	"slices"
	"strings"
)

// untraced is a link the file writes to a user, group or role that cannot be
// told offline: an attachment, a policy naming its principal, a group
// membership whose principal is known only after apply through a reference
// iamfuzz does not follow (a plan's each.value, a module the configuration
// does not hold) or only at deployment (a template's Fn::ImportValue, a
// parameter). Dropping it would check the policies of that principal without
// it, and prove what the link may break, so every identity policy it may
// apply to is unknown instead.
type untraced struct {
	// word is the principal's kind ("user", "group", "role"); "" when not known.
	word string
	// path, pos: where the link is written; why: why its principal cannot be told.
	path, why string
	pos       Pos
	// own is the file's policy the link attaches, whose principals are then
	// not all known either; nil otherwise.
	own *Policy
	// among, when not nil, are the only principals of the file the link may
	// name (a plan's name that may be the one a principal gets after apply).
	among []string
}

// untrace records a link whose principal cannot be told.
func (as *attachments) untrace(u untraced) { as.untraced = append(as.untraced, u) }

// reaches reports whether a link to an untraced principal of kind word may
// change the requests of principal pr: one of the same kind, and a user for a
// group (a user holds the policies of its groups).
func reaches(word, pr string) bool {
	kind, _, _ := strings.Cut(pr, " ")
	return word == "" || kind == word || word == "group" && kind == "user"
}

// applyUntraced makes each identity policy an untraced link may apply to
// unknown, with a reason naming the link, where it is written and why its
// principal cannot be told. A link that only takes access away (a Deny, a
// boundary) could not break a never-rule, but could break liveness: unknown
// either way.
func (as *attachments) applyUntraced(ps []*Policy) {
	for _, u := range as.untraced {
		for _, p := range ps {
			if p.Kind != Identity {
				continue
			}
			targets := []string{}
			for _, pr := range p.principals {
				if u.among != nil && !slices.Contains(u.among, pr) && !slices.ContainsFunc(as.groupsOf(pr), func(m membership) bool { return slices.Contains(u.among, m.group) }) {
					continue
				}
				if reaches(u.word, pr) {
					targets = append(targets, pr)
				}
			}
			if p == u.own && len(targets) == 0 {
				// The policy itself, attached there: with each of its principals.
				targets = append(targets, p.principals...)
				if len(targets) == 0 {
					targets = append(targets, "")
				}
			}
			for _, pr := range targets {
				who := "a " + u.word
				if u.word == "" {
					who = "a principal"
				}
				a := Attachment{Principal: pr, Via: who + " not traced", Group: true, Path: u.path, Pos: u.pos,
					Why: fmt.Sprintf("%s links a policy to %s that cannot be told offline (%s), which may be %s", u.path, who, u.why, principalOr(pr, p.Name))}
				p.Attached = append(p.Attached, a)
				p.Notes = append(p.Notes, a.Why+": its other policies are not known; the verdict cannot be proved")
			}
		}
	}
}

// principalOr names pr, or, for the link's own policy attached to no
// principal of the file, the principal it attaches that policy to.
func principalOr(pr, name string) string {
	if pr == "" {
		return "the one it attaches " + name + " to"
	}
	return pr
}
