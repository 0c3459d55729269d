package source

import (
	"fmt"
	"slices"
	"strings"
)

// Attachment is a managed policy attached to a user, group or role that an
// identity policy of the file also belongs to. AWS decides the principal's
// requests with all of its policies at once (docs/semantics.md §3), so an
// identity policy is checked together with the managed policies attached beside
// it: an MFA self-manage policy next to AdministratorAccess no longer proves
// what the principal cannot do.
type Attachment struct {
	// Principal is the user, group or role: "role App" (a template's logical id),
	// "role app" (a plan's name).
	Principal string
	// ARN is the managed policy's ARN as the file gives it; "" when it is known
	// only at deployment or apply (and Own does not name the policy).
	ARN string
	// Own is the file's own managed policy when the attachment names one (a
	// template's {"Ref": MyPolicy}, a plan's aws_iam_policy); nil otherwise, when
	// the document must come from elsewhere (AWS's managed policies).
	Own *Policy
	// Path is where the attachment is written: a JSON path in a template
	// (Resources.App.Properties.ManagedPolicyArns[1]), an address and attribute
	// in a plan (aws_iam_role_policy_attachment.admin.policy_arn). Pos is its
	// position in the file.
	Path string
	Pos  Pos
	// Why, when ARN is "" and Own nil, says why the policy is not known.
	Why string
	// Inline is true for another identity policy of the principal written in
	// the file rather than attached as a managed policy: a user's, group's or
	// role's Policies, an AWS::IAM::Policy naming it, a plan's
	// aws_iam_*_policy or inline_policy. Own is that policy, Path its
	// document's JSON path (a plan's: its address) and Pos its position.
	Inline bool
	// Via is the group the policy is the principal's through ("group
	// Developers"): a user holds the policies of the groups it is in; "" for the
	// principal's own. Group is true when the attachment stands for all the
	// policies of Via, a group the file names but does not define, or the
	// principal of a plan's policy that the plan does not tell among several
	// (Via names them): Why says so.
	Via   string
	Group bool
}

// Name names the attached policy for reports: the file's own policy by its
// name, else its ARN.
func (a Attachment) Name() string {
	switch {
	case a.Group:
		return "the policies of " + a.Via
	case a.Own != nil:
		return a.Own.Name
	case a.ARN != "":
		return a.ARN
	}
	return "a managed policy whose ARN is not known (" + a.Why + ")"
}

// Where is the attachment's place for a human: "file:line:col (path)".
func (a Attachment) Where(file string) string {
	if a.Pos.Known() {
		return fmt.Sprintf("%s:%d:%d (%s)", file, a.Pos.Line, a.Pos.Column, a.Path)
	}
	return fmt.Sprintf("%s (%s)", file, a.Path)
}

// attachments collects, per principal, the managed policies attached to it,
// and per identity policy of the file, the principals it belongs to.
type attachments struct {
	byPrincipal map[string][]Attachment
	owners      map[*Policy][]string
	// boundaries are the users' and roles' permissions boundaries.
	boundaries map[string]Attachment
	// members are the users' group memberships.
	members []membership
	// untraced are the links whose principal cannot be told offline.
	untraced []untraced
}

func newAttachments() *attachments {
	return &attachments{byPrincipal: map[string][]Attachment{}, owners: map[*Policy][]string{}}
}

func (as *attachments) attach(a Attachment) {
	for _, b := range as.byPrincipal[a.Principal] {
		if a.Own != nil && b.Own == a.Own || a.Own == nil && b.Own == nil && a.ARN != "" && b.ARN == a.ARN {
			return // the same policy attached twice (a role's list and an attachment resource)
		}
	}
	as.byPrincipal[a.Principal] = append(as.byPrincipal[a.Principal], a)
}

func (as *attachments) own(p *Policy, principal string) {
	// A policy that could not be read belongs to its principal all the same:
	// checked beside its siblings, it makes their verdicts unknown.
	if p != nil && p.Kind == Identity && !slices.Contains(as.owners[p], principal) {
		as.owners[p] = append(as.owners[p], principal)
	}
}

// apply gives every identity policy the other identity policies of its
// principals: the managed policies attached to them and their policies written
// in the file (Inline), with notes naming them, and reports which principals
// have an identity policy in the file. AWS decides a principal's requests with
// all of its identity policies at once (docs/semantics.md §3): a Deny in one
// applies to all, and their Allows add up.
func (as *attachments) apply(ps []*Policy) map[string]bool {
	held := map[string]bool{}
	for _, p := range ps {
		if p.Kind != Identity {
			continue
		}
		p.principals = as.expand(as.owners[p])
		for _, pr := range as.owners[p] {
			held[pr] = true
		}
		for _, pr := range p.principals {
			held[pr] = true
			as.bundle(p, ps, pr, pr)
			for _, m := range as.groupsOf(pr) {
				if m.missing {
					p.Attached = append(p.Attached, missingGroup(pr, m))
					continue
				}
				as.bundle(p, ps, pr, m.group)
			}
		}
		managed := as.note(p, false)
		if managed != "" {
			p.Notes = append(p.Notes, "checked together with the managed policies attached beside it to "+managed+
				"; one whose document is not known makes the verdict unknown")
		}
		for _, a := range p.Attached {
			if a.Group {
				p.Notes = append(p.Notes, a.Why+"; the verdict cannot be proved")
			}
		}
		if inline := as.note(p, true); inline != "" {
			p.Notes = append(p.Notes, "checked together with the other policies the file gives "+inline+
				": AWS decides the principal's requests with all of its identity policies at once")
		}
	}
	return held
}

// note names, per principal of p, the policies checked beside p that are
// written in the file (inline) or attached as managed policies (!inline).
func (as *attachments) note(p *Policy, inline bool) string {
	var groups []string
	for _, pr := range p.principals {
		var names []string
		for _, a := range p.Attached {
			if a.Principal == pr && a.Inline == inline && !a.Group {
				if a.Via != "" {
					names = append(names, a.Name()+" of "+a.Via)
					continue
				}
				names = append(names, a.Name())
			}
		}
		if len(names) > 0 {
			groups = append(groups, pr+" ("+strings.Join(names, ", ")+")")
		}
	}
	return strings.Join(groups, " and ")
}

// AttachedBundle returns the other identity policies checked with p (managed
// or written in the file), and why they cannot be when p belongs to several
// principals whose other policies differ (one bundle per policy cannot stand
// for both).
func (p *Policy) AttachedBundle() ([]Attachment, string) {
	sets := map[string][]string{}
	order := p.principals
	for _, a := range p.Attached {
		sets[a.Principal] = append(sets[a.Principal], a.Name())
	}
	if len(order) <= 1 {
		return p.Attached, ""
	}
	first := slices.Sorted(slices.Values(sets[order[0]]))
	for _, pr := range order[1:] {
		if !slices.Equal(first, slices.Sorted(slices.Values(sets[pr]))) {
			return nil, fmt.Sprintf("%s belongs to %s, whose other policies (managed or in the file) differ; iamfuzz checks a policy in one bundle, so it cannot stand for each of them",
				p.Name, strings.Join(order, " and "))
		}
	}
	var out []Attachment
	for _, a := range p.Attached {
		if a.Principal == order[0] {
			out = append(out, a)
		}
	}
	return out, ""
}

// managedRef reads a managed policy's ARN as a template writes it, in
// ManagedPolicyArns or PermissionsBoundary: {"Ref": MyPolicy} (or Fn::GetAtt
// MyPolicy.PolicyArn) names the template's own AWS::IAM::ManagedPolicy (Own),
// anything else is resolved to an ARN, or to Why when it is known only at
// deployment. It reports false for the template's own policy that is not
// created (its condition is false).
func (t *template) managedRef(it *node, a *Attachment, byID map[string]*Policy) bool {
	it, none := t.chosen(it)
	if none {
		return false // !If [Cond, ..., !Ref AWS::NoValue]: nothing attached
	}
	id := ""
	if ref := it.get("Ref"); ref != nil && ref.kind == nStr {
		id = ref.str
	}
	if ga := it.get("Fn::GetAtt"); ga != nil {
		parts := ga.list()
		if ga.kind == nStr {
			if l, attr, ok := strings.Cut(ga.str, "."); ok && attr == "PolicyArn" {
				id = l
			}
		} else if len(parts) == 2 && parts[0].kind == nStr && parts[1].kind == nStr && parts[1].str == "PolicyArn" {
			id = parts[0].str
		}
	}
	if rt := t.resources.get(id).get("Type"); id != "" && rt != nil && rt.kind == nStr && rt.str == "AWS::IAM::ManagedPolicy" {
		a.Own = byID[id]
		return a.Own != nil
	}
	r := &resolver{t: t}
	v, err := r.resolve(it, 0)
	switch {
	case err != nil || v.kind != nStr || v.placeholder:
		a.Why = "its ARN is known only at deployment"
	default:
		a.ARN = v.str
		if own := t.ownByARN(v.str, byID); own != nil {
			a.Own = own
		}
	}
	return true
}

// ownByARN is the template's own managed policy that arn names: a policy ARN
// of an account (not "aws") whose path and name are the ManagedPolicyName and
// Path the template gives it. A principal can be attached only its own
// account's managed policies, which is the stack's, so the account need not be
// AWS::AccountId as written; nil for one without a ManagedPolicyName (its name
// is generated) or not created.
func (t *template) ownByARN(arn string, byID map[string]*Policy) *Policy {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || parts[4] == "aws" || !strings.HasPrefix(parts[5], "policy/") {
		return nil
	}
	for r := range t.typed() {
		id, props := r.id, r.props
		if r.typ != "AWS::IAM::ManagedPolicy" || byID[id] == nil {
			continue
		}
		name, path := t.nameOf(props.get("ManagedPolicyName")), "/"
		if props.get("Path") != nil {
			path = t.nameOf(props.get("Path"))
		}
		if name != "" && parts[5] == "policy"+path+name {
			return byID[id]
		}
	}
	return nil
}

// principalWord is how reports name a principal resource type.
var principalWord = map[string]string{"AWS::IAM::User": "user", "AWS::IAM::Group": "group", "AWS::IAM::Role": "role"}

// attach links a template's identity policies to the managed policies attached
// beside them: a user's, group's or role's ManagedPolicyArns, and the Users,
// Groups and Roles of AWS::IAM::ManagedPolicy (its own) and AWS::IAM::Policy
// (whose principals it belongs to). A principal of the template is named by its
// logical id; names of principals outside the template are not followed.
func (t *template) attach(out []*Policy) {
	byID := map[string]*Policy{}
	for _, p := range out {
		byID[p.ID] = p
	}
	byName := t.principalNames()
	// principal reads a principal of AWS::IAM::Policy or ManagedPolicy: a Ref
	// to one of the template, or its literal name (the property takes names).
	principal := func(n *node, word string) string {
		if ref := n.get("Ref"); ref != nil && ref.kind == nStr {
			if typ := t.resources.get(ref.str).get("Type"); typ != nil && typ.kind == nStr && principalWord[typ.str] != "" {
				return principalWord[typ.str] + " " + ref.str
			}
		}
		return byName[word+" "+t.nameOf(n)]
	}
	as := newAttachments()
	managed := map[string]*node{} // principal -> its ManagedPolicyArns, for the trust policy's note
	for r := range t.typed() {
		id, typ, props, path := r.id, r.typ, r.props, r.path
		if w := principalWord[typ]; w != "" {
			who := w + " " + id
			for _, p := range out {
				if strings.HasPrefix(p.ID, id+".Policies") {
					as.own(p, who)
				}
			}
			if pb := props.get("PermissionsBoundary"); pb != nil && typ != "AWS::IAM::Group" {
				a := Attachment{Principal: who, Path: path + ".PermissionsBoundary", Pos: pb.pos}
				if t.managedRef(pb, &a, byID) {
					as.boundary(a)
				}
			}
			arns := props.get("ManagedPolicyArns")
			if arns == nil {
				continue
			}
			managed[who] = arns
			items, idx, ok := t.chosenList(arns)
			if !ok {
				// A list made by another intrinsic: resolved as one, it is not known.
				items, idx = []*node{arns}, []int{-1}
			}
			for k, it := range items {
				a := Attachment{Principal: who, Path: fmt.Sprintf("%s.ManagedPolicyArns[%d]", path, idx[k]), Pos: it.pos}
				if idx[k] < 0 {
					a.Path = path + ".ManagedPolicyArns"
				}
				if !t.managedRef(it, &a, byID) {
					continue
				}
				if a.Own != nil {
					as.own(a.Own, who)
				}
				as.attach(a)
			}
			continue
		}
		if typ != "AWS::IAM::Policy" && typ != "AWS::IAM::ManagedPolicy" || byID[id] == nil {
			continue
		}
		for _, key := range []string{"Users", "Groups", "Roles"} {
			word := strings.ToLower(strings.TrimSuffix(key, "s"))
			items, idx, ok := t.chosenList(props.get(key))
			if l := props.get(key); !ok && l != nil {
				// A list made by an intrinsic (a CommaDelimitedList parameter):
				// which principals, iamfuzz does not follow.
				as.untrace(untraced{word: word, path: path + "." + key, pos: l.pos, own: byID[id],
					why: "the list is made by an intrinsic function iamfuzz does not follow offline"})
			}
			for k, it := range items {
				j := idx[k]
				who := principal(it, word)
				if why := t.untold(it, word); who == "" && why != "" {
					as.untrace(untraced{word: word, path: fmt.Sprintf("%s.%s[%d]", path, key, j), pos: it.pos, own: byID[id], why: why})
				}
				if who == "" {
					continue
				}
				as.own(byID[id], who)
				if typ == "AWS::IAM::ManagedPolicy" {
					as.attach(Attachment{Principal: who, Own: byID[id], Path: fmt.Sprintf("%s.%s[%d]", path, key, j), Pos: it.pos})
				}
			}
		}
	}
	t.templateGroups(as)
	held := as.apply(out)
	as.applyUntraced(out)
	as.bound(out)
	for _, p := range out {
		// A principal without an identity policy of its own in the template: its
		// managed policies are not checked (there is nothing to check them
		// beside), and its trust policy says so.
		id, ok := strings.CutSuffix(p.ID, ".AssumeRolePolicyDocument")
		if !ok || p.Kind != Trust || held["role "+id] {
			continue
		}
		if n := t.managedNote(id, managed["role "+id]); n != "" {
			p.Notes = append(p.Notes, n)
		}
	}
}

// managedNote names the managed policies of a role that has no identity policy
// in the template: iamfuzz checks managed policies beside a principal's own
// policies, so a role given AdministratorAccess this way shows nothing but its
// trust policy, skipped, and says so. A managed policy of the template itself
// ({"Ref": MyPolicy}) is checked as #MyPolicy and not named.
func (t *template) managedNote(id string, arns *node) string {
	if arns == nil {
		return ""
	}
	items := []*node{arns}
	if arns.kind == nSeq {
		items = arns.items
	}
	var names []string
	for _, it := range items {
		if ref := it.get("Ref"); ref != nil && ref.kind == nStr {
			if typ := t.resources.get(ref.str).get("Type"); typ != nil && typ.kind == nStr && typ.str == "AWS::IAM::ManagedPolicy" {
				continue
			}
		}
		r := &resolver{t: t}
		v, err := r.resolve(it, 0)
		switch {
		case err != nil || v.kind != nStr || v.placeholder:
			names = append(names, "one known only at deployment")
		default:
			names = append(names, v.str)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("%s also has managed policies that iamfuzz does not check (ManagedPolicyArns): %s", id, strings.Join(names, ", "))
}
