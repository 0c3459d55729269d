// Package directory reads a principal directory: which policies are attached to
// which IAM user or role. The local IAM endpoint (iamfuzz serve --directory) answers
// SimulatePrincipalPolicy from it, and the AWS oracle's principal mode uses the same
// file to name the policies AWS reports and to check that a case describes the
// principal it is asked about.
//
// The file is JSON (docs/aws.md#directory):
//
//	{"principals": {
//	  "arn:aws:iam::111122223333:user/alice": {
//	    "policies": [{"name": "SelfManage", "type": "user-managed", "document": {"$ref": "policies/self.json"}}],
//	    "boundary": {"name": "DevBoundary", "document": {"Version": "2012-10-17", "Statement": []}},
//	    "scp": [[{"name": "FullAWSAccess", "document": "{…}"}]]
//	  }}}
//
// A document is a JSON object, a JSON string holding the exact text, or
// {"$ref": path} relative to the directory file, as in the eval format.
package directory

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// ErrInvalid is wrapped by every error about the content of a directory file.
var ErrInvalid = errors.New("invalid principal directory")

// Policy is one policy of a principal.
type Policy struct {
	// Name is the policy's name, which the simulator reports as SourcePolicyId.
	Name string
	// Type is the simulator's SourcePolicyType: user, group, role, aws-managed or
	// user-managed.
	Type string
	// Text is the document's exact text.
	Text []byte
}

// Principal is an IAM user or role and what is attached to it.
type Principal struct {
	ARN      string
	Policies []Policy   // identity policies, in the order the file lists them
	Boundary *Policy    // permissions boundary, nil when none
	SCP      [][]Policy // SCP levels of the principal's account, root first
}

// Directory maps principal ARNs to their policies. It is immutable once loaded.
type Directory struct {
	principals map[string]*Principal
}

// Types a directory policy may declare; they are the simulator's PolicySourceType
// values that can describe an identity policy.
var policyTypes = map[string]bool{"user": true, "group": true, "role": true, "aws-managed": true, "user-managed": true}

type fileJSON struct {
	Principals map[string]principalJSON `json:"principals"`
}

type principalJSON struct {
	Policies []policyJSON   `json:"policies"`
	Boundary *policyJSON    `json:"boundary"`
	SCP      [][]policyJSON `json:"scp"`
}

type policyJSON struct {
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Document jsontext.Value `json:"document"`
}

// Load reads a directory file; $ref documents are resolved against its directory.
func Load(path string) (*Directory, error) {
	data, err := model.ReadFile(path, model.MaxPolicySize)
	if err != nil {
		return nil, err
	}
	d, err := Parse(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse reads a directory from data; $ref documents are resolved against dir.
// Unknown fields are errors: ignoring a policy would silently change decisions.
func Parse(data []byte, dir string) (*Directory, error) {
	var f fileJSON
	if err := json.Unmarshal(data, &f, json.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	d := &Directory{principals: make(map[string]*Principal, len(f.Principals))}
	for arn, pj := range f.Principals {
		p, err := buildPrincipal(arn, pj, dir)
		if err != nil {
			return nil, err
		}
		d.principals[arn] = p
	}
	return d, nil
}

func buildPrincipal(arn string, pj principalJSON, dir string) (*Principal, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalid, arn, fmt.Sprintf(format, args...))
	}
	req, err := model.NewRequest(arn, "iam:GetUser", "*", nil)
	if err != nil {
		return nil, bad("%v", err)
	}
	defaultType := "user"
	switch req.PrincipalType() {
	case model.PrincipalUser:
	case model.PrincipalRole:
		defaultType = "role"
	default:
		return nil, bad("SimulatePrincipalPolicy simulates IAM users and roles; this is a %s", req.PrincipalType())
	}
	p := &Principal{ARN: arn}
	seen := map[string]bool{}
	one := func(where string, pj policyJSON, typ model.PolicyType) (Policy, error) {
		if pj.Name == "" {
			return Policy{}, bad("%s: a policy needs a name (the simulator reports it as SourcePolicyId)", where)
		}
		if seen[pj.Name] {
			return Policy{}, bad("%s: policy name %q is used twice", where, pj.Name)
		}
		seen[pj.Name] = true
		if pj.Type == "" {
			pj.Type = defaultType
		}
		if !policyTypes[pj.Type] {
			return Policy{}, bad("%s: type %q is not one of user, group, role, aws-managed, user-managed", where, pj.Type)
		}
		if len(pj.Document) == 0 {
			return Policy{}, bad("%s: policy %q has no document", where, pj.Name)
		}
		text, err := model.PolicyText(pj.Document, dir)
		if err != nil {
			return Policy{}, bad("%s: %v", where, err)
		}
		if _, err := model.CompileText(text, typ); err != nil {
			return Policy{}, bad("%s: policy %q: %v", where, pj.Name, err)
		}
		return Policy{Name: pj.Name, Type: pj.Type, Text: text}, nil
	}
	for i, q := range pj.Policies {
		pol, err := one(fmt.Sprintf("policies[%d]", i), q, model.IdentityPolicy)
		if err != nil {
			return nil, err
		}
		p.Policies = append(p.Policies, pol)
	}
	if pj.Boundary != nil {
		pol, err := one("boundary", *pj.Boundary, model.BoundaryPolicy)
		if err != nil {
			return nil, err
		}
		p.Boundary = &pol
	}
	for l, level := range pj.SCP {
		var lv []Policy
		for i, q := range level {
			pol, err := one(model.PolicyRef{Type: model.SCPPolicy, Level: l, Index: i}.String(), q, model.SCPPolicy)
			if err != nil {
				return nil, err
			}
			lv = append(lv, pol)
		}
		p.SCP = append(p.SCP, lv)
	}
	return p, nil
}

// Lookup returns the principal with the given ARN. ARNs are compared exactly, as
// IAM compares them: a user's path is part of its ARN.
func (d *Directory) Lookup(arn string) (*Principal, bool) {
	if d == nil {
		return nil, false
	}
	p, ok := d.principals[arn]
	return p, ok
}

// ARNs lists the principals in sorted order.
func (d *Directory) ARNs() []string {
	if d == nil {
		return nil
	}
	out := make([]string, 0, len(d.principals))
	for a := range d.principals {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Len returns the number of principals.
func (d *Directory) Len() int {
	if d == nil {
		return 0
	}
	return len(d.principals)
}

// FriendlyName returns the last path element of an IAM user or role ARN, the name
// that NoSuchEntity errors mention.
func FriendlyName(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}
