package awsiam

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/internal/policypos"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// mapStatement names a statement the simulator reported as the eval format does:
// which policy (identity[i], boundary[0], resource[0]) and which statement of its
// Statement list. SourcePolicyId says which input the policy was —
// "PolicyInputList.N" and "PermissionsBoundaryPolicyInputList.N" count from 1 — and
// the statement is the one whose braces contain StartPosition in the text that was
// sent. In principal mode attached policies are reported by name and found through
// the directory. What cannot be resolved is reported as "aws:<SourcePolicyId>" with
// statement -1 rather than guessed.
func (c *Call) mapStatement(o *Oracle, st types.Statement) oracle.MatchedStmt {
	id := aws.ToString(st.SourcePolicyId)
	unresolved := oracle.MatchedStmt{Policy: "aws:" + id, Statement: -1}
	name, text, typ := "", []byte(nil), model.IdentityPolicy
	g := c.grp
	switch {
	case hasIndexedPrefix(id, "PolicyInputList."):
		n := indexAfter(id, "PolicyInputList.")
		if c.Operation != replay.OpCustom || n < 1 || n > len(g.texts.identity) {
			return unresolved
		}
		name, text = model.PolicyRef{Type: model.IdentityPolicy, Index: n - 1}.String(), g.texts.identity[n-1]
	case hasIndexedPrefix(id, "PermissionsBoundaryPolicyInputList."):
		n := indexAfter(id, "PermissionsBoundaryPolicyInputList.")
		if n != 1 || len(g.texts.boundary) != 1 {
			return unresolved
		}
		name, text, typ = model.PolicyRef{Type: model.BoundaryPolicy}.String(), g.texts.boundary[0], model.BoundaryPolicy
	case st.SourcePolicyType == types.PolicySourceTypeResource || strings.EqualFold(id, "ResourcePolicy"):
		if len(g.texts.resource) != 1 {
			return unresolved
		}
		name, text, typ = model.PolicyRef{Type: model.ResourcePolicy}.String(), g.texts.resource[0], g.rtyp
	case g.principal != nil:
		for i, p := range g.principal.Policies {
			if p.Name == id {
				name, text = model.PolicyRef{Type: model.IdentityPolicy, Index: i}.String(), p.Text
			}
		}
		if g.principal.Boundary != nil && g.principal.Boundary.Name == id && len(g.texts.boundary) == 1 {
			name, text, typ = model.PolicyRef{Type: model.BoundaryPolicy}.String(), g.texts.boundary[0], model.BoundaryPolicy
		}
		if name == "" {
			return unresolved
		}
	default:
		return unresolved
	}
	d := o.document(g, name, text, typ)
	if d == nil || st.StartPosition == nil {
		return oracle.MatchedStmt{Policy: name, Statement: -1}
	}
	idx := policypos.Locate(d.spans, model.Position{Line: int(st.StartPosition.Line), Column: int(st.StartPosition.Column)})
	if idx < 0 {
		return oracle.MatchedStmt{Policy: name, Statement: -1}
	}
	return oracle.MatchedStmt{Policy: name, Statement: idx, Sid: d.policy.Statements[idx].Sid}
}

// document returns a policy of the group parsed, with its statement spans; nil when
// the model cannot parse it (the statement index then stays unknown).
func (o *Oracle) document(g *group, name string, text []byte, typ model.PolicyType) *doc {
	o.docsMu.Lock()
	defer o.docsMu.Unlock()
	if g.docs == nil {
		g.docs = map[string]*doc{}
	}
	if d, ok := g.docs[name]; ok {
		return d
	}
	var d *doc
	if c, err := o.cache.Compile(text, typ); err == nil {
		d = &doc{policy: c.Policy, spans: policypos.Spans(text, c.Policy)}
	}
	g.docs[name] = d
	return d
}

func hasIndexedPrefix(id, prefix string) bool {
	return len(id) > len(prefix) && strings.EqualFold(id[:len(prefix)], prefix)
}

func indexAfter(id, prefix string) int {
	n, err := strconv.Atoi(id[len(prefix):])
	if err != nil {
		return -1
	}
	return n
}
