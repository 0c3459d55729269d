package properties

import (
	"fmt"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/source"
)

// awsManaged are AWS's managed policy documents by ARN (corpus/managed), read
// once, when a template or plan first attaches one.
var awsManaged struct {
	once sync.Once
	docs map[string]string
	err  error
}

// awsManagedDoc returns the document of an AWS managed policy by its ARN, path
// included, as corpus/managed holds it.
func awsManagedDoc(arn string) (string, bool, error) {
	awsManaged.once.Do(func() {
		ps, err := managed.Load()
		awsManaged.docs, awsManaged.err = make(map[string]string, len(ps)), err
		for _, p := range ps {
			awsManaged.docs[p.ARN] = p.Document
		}
	})
	doc, ok := awsManaged.docs[arn]
	return doc, ok, awsManaged.err
}

// attachedPolicies reads the other identity policies of the principal of an
// identity policy of a template or plan (source.Policy.AttachedBundle): the
// managed policies attached beside it, the file's own and AWS's
// (corpus/managed), and the principal's policies written in the file (inline
// Policies, AWS::IAM::Policy, a plan's aws_iam_*_policy), checked with it as
// further identity policies of the principal. unknown says, for each attachment whose
// document is not known (an ARN outside the corpus, a customer managed policy
// of another stack, an ARN known only at deployment), that the principal's
// permissions are not known: the verdict cannot be proved.
func attachedPolicies(p *source.Policy) (out []*PolicyFile, unknown []string) {
	atts, why := p.AttachedBundle()
	if why != "" {
		return nil, []string{why}
	}
	for _, a := range atts {
		role := "attached"
		switch {
		case a.Inline && a.Via != "":
			role = "a policy of " + a.Via + ", which " + a.Principal + " is in"
		case a.Inline:
			role = "another policy of " + a.Principal
		case a.Via != "":
			role = "attached to " + a.Via + ", which " + a.Principal + " is in"
		}
		pf, why := managedPolicy(p, a, model.IdentityPolicy, role)
		if why != "" {
			unknown = append(unknown, why)
			continue
		}
		out = append(out, pf)
	}
	return out, unknown
}

// boundaryPolicy reads the permissions boundary of the user or role an
// identity policy of a template or plan belongs to
// (source.Policy.PermissionsBoundary), from the file or corpus/managed; nil
// when it has none. unknown, when its document is not known, says why: the
// boundary may deny what the policy allows, so no finding it could block, and
// no verdict, holds without it.
func boundaryPolicy(p *source.Policy) (pf *PolicyFile, unknown string) {
	b, why := p.PermissionsBoundary()
	if why != "" || b == nil {
		return nil, why
	}
	return managedPolicy(p, *b, model.BoundaryPolicy, "set as permissions boundary")
}

// managedPolicy reads the document of a managed policy that a template or plan
// names (attached beside p, or as its principal's permissions boundary, role
// says which) as a policy of type typ; why, when it is not known, names the ARN
// and where the file names it.
func managedPolicy(p *source.Policy, a source.Attachment, typ model.PolicyType, role string) (*PolicyFile, string) {
	at := a.Where(p.File)
	var doc []byte
	switch {
	case a.Own != nil && a.Own.Err != nil:
		return nil, fmt.Sprintf("%s, %s at %s, could not be read: %v", a.Own.Name, role, at, a.Own.Err)
	case a.Own != nil:
		doc = a.Own.Doc
	case a.Group:
		return nil, fmt.Sprintf("%s (%s)", a.Why, at)
	case a.ARN == "":
		return nil, fmt.Sprintf("%s has a managed policy %s at %s whose document is not known: %s", a.Principal, role, at, a.Why)
	default:
		d, ok, err := awsManagedDoc(a.ARN)
		if !ok {
			msg := fmt.Sprintf("%s has %s %s at %s, whose document iamfuzz does not know (it is neither a policy of the file nor an AWS managed policy of corpus/managed)", a.Principal, a.ARN, role, at)
			if err != nil {
				msg += fmt.Sprintf(" (corpus/managed: %v)", err)
			}
			return nil, msg
		}
		doc = []byte(d)
	}
	pol, err := model.Parse(doc, typ)
	if err != nil {
		return nil, fmt.Sprintf("%s, %s at %s, is not a valid %s policy: %v", a.Name(), role, at, typ, err)
	}
	return &PolicyFile{Path: a.Name(), Type: typ, Policy: pol, compiled: model.Compile(pol), attached: &a, file: p.File}, ""
}

// bounded makes each error of vs that the principal's unknown permissions
// boundary could block a warning saying so: the policy was checked without the
// boundary, which may deny the request (t.unknownBoundary). A liveness error
// stays: a boundary only takes permissions away (docs/semantics.md §3.3), so
// what the policy does not allow without it, it does not allow with it.
func (t *Target) bounded(vs []*Violation) {
	for _, v := range vs {
		if v.Severity == SeverityError && v.Invariant != InvLiveness {
			v.Severity = SeverityWarning
			v.Reason += " (checked without the principal's permissions boundary, which may deny it: " + t.unknownBoundary + ")"
		}
	}
}
