package source

import (
	"fmt"
	"strings"
)

// samResources are the SAM resource types (Transform AWS::Serverless-2016-10-31)
// whose Policies property gives the policies of the role SAM creates for them.
var samResources = map[string]bool{"AWS::Serverless::Function": true, "AWS::Serverless::StateMachine": true}

// samDoc is one inline policy document of a SAM resource's Policies.
type samDoc struct {
	id, path string
	doc      *node
}

// samPolicies reads a SAM resource's Policies: one policy document, or a list of
// documents, managed policy names or ARNs and SAM policy templates
// ({"S3ReadPolicy": {…}}). The documents are returned to be checked as identity
// policies of the resource's role; the other entries, which iamfuzz does not
// expand, are named in others so that the report can say the role holds them
// too. bad is a policy with Err when Policies cannot be read.
func (t *template) samPolicies(id string, pols *node, path string) (docs []samDoc, others []string, bad *Policy) {
	if pols.kind == nMap && pols.get("Statement") == nil && len(pols.keys) == 1 && strings.HasPrefix(pols.keys[0], "Fn::") {
		// Policies built by an intrinsic (Fn::If): resolve it first.
		r := &resolver{t: t}
		v, err := r.resolve(pols, 0)
		if err != nil {
			return nil, nil, &Policy{Name: t.name + "#" + id + ".Policies", File: t.name, ID: id + ".Policies", Format: CloudFormation, Pos: pols.pos, Err: err}
		}
		pols = v
	}
	items := []*node{pols}
	if pols.kind == nSeq {
		items = pols.items
	}
	for j, it := range items {
		pid, ppath := id+".Policies", path+".Policies"
		if pols.kind == nSeq {
			pid, ppath = fmt.Sprintf("%s.Policies[%d]", id, j), fmt.Sprintf("%s.Policies[%d]", path, j)
		}
		switch {
		case it.kind == nMap && it.get("Statement") != nil:
			docs = append(docs, samDoc{pid, ppath, it})
		case it.kind == nStr:
			others = append(others, "managed policy "+it.str)
		case it.kind == nMap && len(it.keys) == 1:
			others = append(others, "SAM policy template "+it.keys[0])
		default:
			others = append(others, "the entry at "+ppath)
		}
	}
	return docs, others, nil
}
