package source

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// PermissionsBoundary returns the permissions boundary that limits p: the
// boundary of the user or role p belongs to (a template's PermissionsBoundary,
// a plan's permissions_boundary), as an Attachment whose Own, ARN or Why says
// where its document is. It is nil when none of p's principals has one, and why
// says that it cannot be told when p belongs to several principals whose
// boundaries differ (one of them without one counts): AWS decides each
// principal's requests within its own boundary (docs/semantics.md §3.3), and one
// bundle per policy cannot stand for both.
func (p *Policy) PermissionsBoundary() (b *Attachment, why string) {
	if len(p.Boundaries) == 0 {
		return nil, ""
	}
	first := p.Boundaries[0]
	same := len(p.Boundaries) == len(p.principals)
	for _, o := range p.Boundaries[1:] {
		same = same && o.Own == first.Own && o.ARN == first.ARN && (o.Own != nil || o.ARN != "")
	}
	if !same {
		var names []string
		for _, o := range p.Boundaries {
			names = append(names, o.Principal+" ("+o.Name()+")")
		}
		return nil, fmt.Sprintf("%s belongs to %s, whose permissions boundaries differ (%s); iamfuzz checks a policy in one bundle, so it cannot stand for each of them",
			p.Name, strings.Join(p.principals, " and "), strings.Join(names, ", "))
	}
	return &first, ""
}

// bound gives every identity policy the permissions boundaries of its
// principals, with a note naming them; a policy of the file used as a boundary
// gets a note saying so, and is a Boundary when no principal of the file holds
// it as an identity policy.
func (as *attachments) bound(ps []*Policy) {
	for _, p := range ps {
		var names []string
		for _, pr := range p.principals {
			if b, ok := as.boundaries[pr]; ok {
				p.Boundaries = append(p.Boundaries, b)
				names = append(names, fmt.Sprintf("%s of %s (%s)", b.Name(), pr, b.Path))
			}
		}
		if len(names) > 0 {
			p.Notes = append(p.Notes, "checked within the permissions boundary of "+strings.Join(names, " and ")+
				"; one whose document is not known makes the verdict unknown; --boundary replaces it")
		}
	}
	for _, pr := range slices.Sorted(maps.Keys(as.boundaries)) {
		b := as.boundaries[pr]
		if b.Own == nil {
			continue
		}
		if len(as.owners[b.Own]) == 0 {
			// Attached to no principal of the file, it grants nothing: a
			// boundary, not an identity policy to hold to the invariants.
			b.Own.Kind = Boundary
		}
		b.Own.Notes = append(b.Own.Notes, fmt.Sprintf("the permissions boundary of %s (%s)", pr, b.Path))
	}
}

// boundary records a principal's permissions boundary.
func (as *attachments) boundary(a Attachment) {
	if as.boundaries == nil {
		as.boundaries = map[string]Attachment{}
	}
	as.boundaries[a.Principal] = a
}
