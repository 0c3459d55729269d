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

// attachedPolicies reads the managed policies attached beside an identity
// policy of a template or plan (source.Policy.AttachedBundle): the file's own
// managed policies and AWS's (corpus/managed), checked with it as further
// identity policies of the principal. unknown says, for each attachment whose
// document is not known (an ARN outside the corpus, a customer managed policy
// of another stack, an ARN known only at deployment), that the principal's
// permissions are not known: the verdict cannot be proved.
func attachedPolicies(p *source.Policy) (out []*PolicyFile, unknown []string) {
	atts, why := p.AttachedBundle()
	if why != "" {
		return nil, []string{why}
	}
	for _, a := range atts {
		at := a.Where(p.File)
		var doc []byte
		switch {
		case a.Own != nil && a.Own.Err != nil:
			unknown = append(unknown, fmt.Sprintf("%s, attached at %s, could not be read: %v", a.Own.Name, at, a.Own.Err))
			continue
		case a.Own != nil:
			doc = a.Own.Doc
		case a.ARN == "":
			unknown = append(unknown, fmt.Sprintf("%s has a managed policy attached at %s whose document is not known: %s", a.Principal, at, a.Why))
			continue
		default:
			d, ok, err := awsManagedDoc(a.ARN)
			if !ok {
				msg := fmt.Sprintf("%s has %s attached at %s, whose document iamfuzz does not know (it is neither a policy of the file nor an AWS managed policy of corpus/managed)", a.Principal, a.ARN, at)
				if err != nil {
					msg += fmt.Sprintf(" (corpus/managed: %v)", err)
				}
				unknown = append(unknown, msg)
				continue
			}
			doc = []byte(d)
		}
		pol, err := model.Parse(doc, model.IdentityPolicy)
		if err != nil {
			unknown = append(unknown, fmt.Sprintf("%s, attached at %s, is not a valid identity policy: %v", a.Name(), at, err))
			continue
		}
		out = append(out, &PolicyFile{Path: a.Name(), Type: model.IdentityPolicy, Policy: pol, compiled: model.Compile(pol), attached: &a, file: p.File})
	}
	return out, unknown
}
