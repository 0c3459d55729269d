package source

import (
	"fmt"
	"slices"
	"strings"
)

// membership is a user's place in a group as the file writes it. AWS decides
// a user's requests with the user's identity policies and those of every group
// the user is in (docs/semantics.md §3).
type membership struct {
	// user and group are principals ("user Developer", "group Developers");
	// group names one the file does not define when missing is true.
	user, group string
	missing     bool
	// path and pos are where the file names the group.
	path string
	pos  Pos
}

// join records that a user is in a group.
func (as *attachments) join(m membership) {
	if m.user == "" || m.group == "" || slices.ContainsFunc(as.members, func(o membership) bool { return o.user == m.user && o.group == m.group }) {
		return
	}
	as.members = append(as.members, m)
}

// expand replaces each group among a policy's owners by the users of the file
// in it: AWS evaluates a group's policy only for its members, each with the
// member's other policies. A group without members in the file stays itself.
func (as *attachments) expand(owners []string) []string {
	var out []string
	add := func(pr string) {
		if !slices.Contains(out, pr) {
			out = append(out, pr)
		}
	}
	for _, o := range owners {
		n := 0
		for _, m := range as.members {
			if m.group == o && !m.missing {
				add(m.user)
				n++
			}
		}
		if n == 0 {
			add(o)
		}
	}
	return out
}

// groupsOf returns the memberships of a principal (none for a group or role).
func (as *attachments) groupsOf(pr string) []membership {
	var out []membership
	for _, m := range as.members {
		if m.user == pr {
			out = append(out, m)
		}
	}
	return out
}

// bundle appends to p.Attached the identity policies principal pr holds
// through via (pr itself or a group pr is in): via's managed policies and its
// policies written in the file, but p itself.
func (as *attachments) bundle(p *Policy, ps []*Policy, pr, via string) {
	group := ""
	if via != pr {
		group = via
	}
	for _, a := range as.byPrincipal[via] {
		if a.Own != p {
			a.Principal, a.Via = pr, group
			p.Attached = append(p.Attached, a)
		}
	}
	for _, q := range ps {
		if q == p || !slices.Contains(as.owners[q], via) || slices.ContainsFunc(as.byPrincipal[via], func(a Attachment) bool { return a.Own == q }) {
			continue // itself, another principal's, or attached as a managed policy (above)
		}
		path := q.docPath
		if path == "" {
			path = q.ID
		}
		p.Attached = append(p.Attached, Attachment{Principal: pr, Via: group, Own: q, Path: path, Pos: q.Pos, Inline: true})
	}
}

// templateGroups records a template's group memberships: an AWS::IAM::User's
// Groups and an AWS::IAM::UserToGroupAddition's GroupName and Users. A group
// or user is named by {"Ref": logical id} or by its literal name (GroupName,
// UserName); a group named that the template does not define is missing (its
// policies are not known), a user it does not define is not followed.
func (t *template) templateGroups(as *attachments) {
	byName := t.principalNames()
	// name reads a group or user as the template names it: the principal, or
	// the name of one the template does not define ("" when not known offline).
	name := func(n *node, word string) (pr string, missing bool) {
		if ref := n.get("Ref"); ref != nil && ref.kind == nStr {
			if typ := t.resources.get(ref.str).get("Type"); typ != nil && typ.kind == nStr && principalWord[typ.str] == word {
				return word + " " + ref.str, false
			}
		}
		r := &resolver{t: t}
		v, err := r.resolve(n, 0)
		switch {
		case err == nil && v.kind == nStr && byName[word+" "+v.str] != "":
			return byName[word+" "+v.str], false
		case err != nil || v.kind != nStr || v.placeholder:
			return word + " (a name known only at deployment)", true
		}
		return word + " " + v.str, true
	}
	for r := range t.typed() {
		id, typ, props, path := r.id, r.typ, r.props, r.path
		switch typ {
		case "AWS::IAM::User":
			gs, idx, ok := t.chosenList(props.get("Groups"))
			if !ok {
				// A list made by an intrinsic function (a parameter, an Fn::If
				// not decided): which groups, iamfuzz does not follow.
				g := props.get("Groups")
				as.join(membership{user: "user " + id, group: "group (Groups not written as a list)", missing: true, path: path + ".Groups", pos: g.pos})
			}
			for k, g := range gs {
				j := idx[k]
				pr, missing := name(g, "group")
				as.join(membership{user: "user " + id, group: pr, missing: missing, path: fmt.Sprintf("%s.Groups[%d]", path, j), pos: g.pos})
			}
		case "AWS::IAM::UserToGroupAddition":
			g, none := t.chosen(props.get("GroupName"))
			if g == nil || none {
				continue
			}
			pr, missing := name(g, "group")
			users, idx, ok := t.chosenList(props.get("Users"))
			if l := props.get("Users"); !ok && l != nil {
				as.untrace(untraced{word: "user", path: path + ".Users", pos: l.pos,
					why: "the list is made by an intrinsic function iamfuzz does not follow offline"})
			}
			for k, u := range users {
				if user, out := name(u, "user"); !out {
					as.join(membership{user: user, group: pr, missing: missing, path: path + ".GroupName", pos: g.pos})
				} else if why := t.untold(u, "user"); why != "" {
					as.untrace(untraced{word: "user", path: fmt.Sprintf("%s.Users[%d]", path, idx[k]), pos: u.pos, why: why})
				}
			}
		}
	}
}

// planGroups records a plan's group memberships: aws_iam_user_group_membership
// (user, groups) and aws_iam_group_membership (group, users). who reads a
// principal as the plan names it; known holds the plan's principals. A group
// the plan does not define is missing; a user it does not define is not
// followed; one it cannot trace (lost) may be any user of the plan, and
// listed reads a list of users known only after apply.
func planGroups(as *attachments, rs []planResource, known map[string]bool, who func(r planResource, attr, word string, v *node) string,
	lost func(r planResource, attr, word string, own *Policy), listed func(r planResource, attr, word string) ([]string, bool)) {
	group := func(r planResource, v *node, path string) membership {
		g := who(r, "groups", "group", v)
		if path == "group" {
			g = who(r, "group", "group", v)
		}
		m := membership{group: g, path: r.addr + "." + path, pos: r.pos}
		if v != nil {
			m.pos = v.pos
		}
		if g == "" {
			m.group, m.missing = "group (a name known only after apply)", true
		} else if !known[g] {
			m.missing = true
		}
		return m
	}
	for _, r := range rs {
		switch r.typ {
		case "aws_iam_user_group_membership":
			u := who(r, "user", "user", r.values.get("user"))
			if u == "" {
				lost(r, "user", "user", nil)
			}
			if !known[u] {
				continue
			}
			gs := r.values.get("groups")
			for i, g := range gs.list() {
				m := group(r, g, fmt.Sprintf("groups[%d]", i))
				m.user = u
				as.join(m)
			}
			if gs == nil {
				// Known only after apply: the group the configuration refers
				// to, else one not known.
				m := group(r, nil, "groups")
				m.user = u
				as.join(m)
			}
		case "aws_iam_group_membership":
			m := group(r, r.values.get("group"), "group")
			users := r.values.get("users")
			for _, v := range users.list() {
				if u := who(r, "users", "user", v); known[u] {
					m.user = u
					as.join(m)
				} else if u == "" {
					lost(r, "users", "user", nil)
				}
			}
			if users == nil || users.kind == nNull {
				// Known only after apply: the users its references name.
				us, untold := listed(r, "users", "user")
				for _, u := range us {
					m.user = u
					as.join(m)
				}
				if untold {
					lost(r, "users", "user", nil)
				}
			}
		}
	}
}

// missingGroup is the attachment that stands for the policies of a group the
// file does not define: their documents are not known, so the verdict is not.
func missingGroup(pr string, m membership) Attachment {
	return Attachment{Principal: pr, Via: m.group, Path: m.path, Pos: m.pos, Group: true,
		Why: fmt.Sprintf("%s is in %s, which the file does not define: its policies are not known", strings.TrimSpace(pr), m.group)}
}

// principalNames maps the names the template gives its users, groups and roles
// (UserName, GroupName, RoleName: "group developers") to the principals
// ("group Developers"): properties that take names (an AWS::IAM::Policy's
// Users, a user's Groups) may write the name rather than a Ref. A name known
// only at deployment (!Sub "${AWS::StackName}-dev") is its placeholder, which
// the same expression elsewhere resolves to as well.
func (t *template) principalNames() map[string]string {
	byName := map[string]string{}
	for r := range t.typed() {
		w := principalWord[r.typ]
		if w == "" {
			continue
		}
		key := map[string]string{"user": "UserName", "group": "GroupName", "role": "RoleName"}[w]
		if n := t.nameOf(r.props.get(key)); n != "" {
			byName[w+" "+n] = w + " " + r.id
		}
	}
	return byName
}

// nameOf is the name a property gives, resolved (a placeholder when known only
// at deployment); "" when there is none or it is not a string.
func (t *template) nameOf(n *node) string {
	if n == nil {
		return ""
	}
	r := &resolver{t: t}
	v, err := r.resolve(n, 0)
	if err != nil || v.kind != nStr {
		return ""
	}
	return v.str
}

// untold says why a principal's name that matches none of the template's
// (word: "user", "group", "role") may still be one of them: it is known only
// at deployment (Fn::ImportValue, a parameter), or a principal of that kind
// has a name known only then (RoleName: !Ref Name); "" when it is a principal
// outside the template.
func (t *template) untold(n *node, word string) string {
	if !t.literal(n) {
		return "the name is known only at deployment"
	}
	key := map[string]string{"user": "UserName", "group": "GroupName", "role": "RoleName"}[word]
	for r := range t.typed() {
		if principalWord[r.typ] != word {
			continue
		}
		if name := r.props.get(key); name != nil && !t.literal(name) {
			return fmt.Sprintf("the name %q matches none of the template's, but %s %s has a name known only at deployment", t.nameOf(n), word, r.id)
		}
	}
	return ""
}

// literal reports whether a principal's name, as a property writes it,
// resolves offline to a name rather than one known only at deployment: a
// literal name that matches none of the template's principals is one outside
// it, a placeholder may be any.
func (t *template) literal(n *node) bool {
	r := &resolver{t: t}
	v, err := r.resolve(n, 0)
	return err == nil && v.kind == nStr && !v.placeholder
}
