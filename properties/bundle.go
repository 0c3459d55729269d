package properties

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/source"
)

// PolicyFile is a policy read from a file, parsed for the role it plays.
type PolicyFile struct {
	Path   string
	Type   model.PolicyType
	Policy *model.Policy

	compiled *model.Compiled
	// attached, for a managed policy attached beside the checked one, is where
	// the template or plan attaches it (in file): reports place an AWS managed
	// policy's statements there, and the file's own policy's at their lines.
	attached *source.Attachment
	file     string
}

// ResourcePolicyFile is a resource-based policy and the resources it is attached
// to: IAM-style ARN patterns (* any run, ? one character, case-sensitive). The
// policy takes part only in requests for a resource that fits one of them, as
// AWS evaluates a bucket's policy only for that bucket and its objects.
type ResourcePolicyFile struct {
	*PolicyFile
	AttachedTo []string
}

// Fits reports whether the policy is attached to resource.
func (r *ResourcePolicyFile) Fits(resource string) bool {
	for _, p := range r.AttachedTo {
		if globARN(p, resource) {
			return true
		}
	}
	return false
}

// Surroundings are the policies around a target's identity policy that take part
// in every decision: the caller's permissions boundary, the SCP levels of the
// caller's organization (root first, each level one policy here), the RCP levels
// of the resource's account, resource-based policies with the resources they are
// attached to, and the session policy of a role or federated session. The
// invariants judge the decision of this whole bundle.
type Surroundings struct {
	// Identity are the principal's other identity policies: the managed
	// policies a template or plan attaches beside the checked one
	// (attachedPolicies). AWS allows what any of them allows.
	Identity []*PolicyFile
	Boundary *PolicyFile
	SCP      []*PolicyFile
	RCP      []*PolicyFile
	Resource []*ResourcePolicyFile
	Session  *PolicyFile
}

// Empty reports whether there is no surrounding policy.
func (s *Surroundings) Empty() bool {
	return s == nil || (len(s.Identity) == 0 && s.Boundary == nil && len(s.SCP) == 0 && len(s.RCP) == 0 && len(s.Resource) == 0 && s.Session == nil)
}

// Over returns s with every kind that o gives replaced by o's: policies named on
// the command line replace those of the spec, kind by kind.
func (s *Surroundings) Over(o *Surroundings) *Surroundings {
	out := &Surroundings{}
	if s != nil {
		*out = *s
	}
	if o == nil {
		return out
	}
	if len(o.Identity) > 0 {
		out.Identity = o.Identity
	}
	if o.Boundary != nil {
		out.Boundary = o.Boundary
	}
	if len(o.SCP) > 0 {
		out.SCP = o.SCP
	}
	if len(o.RCP) > 0 {
		out.RCP = o.RCP
	}
	if len(o.Resource) > 0 {
		out.Resource = o.Resource
	}
	if o.Session != nil {
		out.Session = o.Session
	}
	return out
}

// Files lists every surrounding policy with its role, for reports: "boundary
// b.json", "scp[0] root.json", "resource r.json (arn:aws:s3:::b, …)".
func (s *Surroundings) Files() []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, p := range s.Identity {
		out = append(out, "identity "+p.Path)
	}
	if s.Boundary != nil {
		out = append(out, "boundary "+s.Boundary.Path)
	}
	for i, p := range s.SCP {
		out = append(out, fmt.Sprintf("scp[%d] %s", i, p.Path))
	}
	for i, p := range s.RCP {
		out = append(out, fmt.Sprintf("rcp[%d] %s", i, p.Path))
	}
	for _, p := range s.Resource {
		out = append(out, fmt.Sprintf("resource %s (attached to %s)", p.Path, strings.Join(p.AttachedTo, ", ")))
	}
	if s.Session != nil {
		out = append(out, "session "+s.Session.Path)
	}
	return out
}

// LoadPolicyFile reads and validates a policy of the given type. Errors wrap
// ErrBadInput (a *PolicyFileError).
func LoadPolicyFile(path string, typ model.PolicyType) (*PolicyFile, error) {
	data, err := model.ReadFile(path, model.MaxPolicySize)
	if err != nil {
		return nil, &PolicyFileError{File: path, Err: err}
	}
	pol, err := model.Parse(data, typ)
	if err != nil {
		return nil, &PolicyFileError{File: path, Err: err, data: data}
	}
	return &PolicyFile{Path: path, Type: typ, Policy: pol, compiled: model.Compile(pol)}, nil
}

// ErrBadAttachment: a resource policy given without the resource it is attached to,
// or with one that is not an ARN pattern.
var ErrBadAttachment = fmt.Errorf("%w: resource policy attachment", ErrBadInput)

// ParseResourcePolicyArg reads the command line's FILE=ARN form of a resource
// policy: the policy file and the resource (an ARN or ARN pattern) it is attached
// to. The last "=arn:" splits, so that file names with "=" work.
func ParseResourcePolicyArg(arg string) (file, resource string, err error) {
	i := strings.LastIndex(arg, "=arn:")
	if i <= 0 {
		return "", "", fmt.Errorf("%w: %q: give the policy file and the resource it is attached to, as FILE=ARN (e.g. bucket.json=arn:aws:s3:::my-bucket)", ErrBadAttachment, arg)
	}
	return arg[:i], arg[i+1:], nil
}

// checkAttachment validates an attachment pattern.
func checkAttachment(p string) error {
	if p == "*" {
		return nil
	}
	if !strings.HasPrefix(p, "arn:") || strings.Count(p, ":") < 5 {
		return fmt.Errorf("%w: %q is not an ARN (arn:partition:service:region:account:resource) or \"*\"", ErrBadAttachment, p)
	}
	return nil
}

// AddResourcePolicy loads a resource policy attached to resource and adds it; the
// same file given again with another resource adds that resource to it.
func (s *Surroundings) AddResourcePolicy(file, resource string) error {
	if err := checkAttachment(resource); err != nil {
		return err
	}
	for _, r := range s.Resource {
		if r.Path == file {
			r.AttachedTo = append(r.AttachedTo, resource)
			return nil
		}
	}
	pf, err := LoadPolicyFile(file, model.ResourcePolicy)
	if err != nil {
		return err
	}
	s.Resource = append(s.Resource, &ResourcePolicyFile{PolicyFile: pf, AttachedTo: []string{resource}})
	return nil
}

// policies lists every policy of the bundle: the identity policy first, then
// the policies around it. The partition divides requests by all of their
// patterns, so that each class gets one answer from the whole bundle.
func (t *Target) policies() []*model.Policy {
	out := []*model.Policy{t.Policy}
	s := t.Around
	if s == nil {
		return out
	}
	for _, p := range s.Identity {
		if !plantedAttachedBug {
			out = append(out, p.Policy)
		}
	}
	if s.Boundary != nil {
		out = append(out, s.Boundary.Policy)
	}
	for _, l := range [][]*PolicyFile{s.SCP, s.RCP} {
		for _, p := range l {
			out = append(out, p.Policy)
		}
	}
	if s.Session != nil {
		out = append(out, s.Session.Policy)
	}
	for _, rp := range s.Resource {
		out = append(out, rp.Policy)
	}
	return out
}

// bundleOf builds the model's bundle of an identity policy and its surroundings,
// without resource policies (they depend on the request's resource).
func bundleOf(pol *model.Policy, s *Surroundings) *model.Bundle {
	b := &model.Bundle{Identity: []*model.Compiled{model.Compile(pol)}}
	if s == nil {
		return b
	}
	for _, p := range s.Identity {
		b.Identity = append(b.Identity, p.compiled)
	}
	if s.Boundary != nil {
		b.Boundary = s.Boundary.compiled
	}
	for _, p := range s.SCP {
		b.SCP = append(b.SCP, []*model.Compiled{p.compiled})
	}
	for _, p := range s.RCP {
		b.RCP = append(b.RCP, []*model.Compiled{p.compiled})
	}
	if s.Session != nil {
		b.Session = s.Session.compiled
	}
	return b
}

// bundleFor returns the bundle that decides r: the target's bundle with the
// resource policies attached to r's resource.
func (t *Target) bundleFor(r *model.Request) *model.Bundle {
	if t.Around == nil || len(t.Around.Resource) == 0 {
		return t.bundle
	}
	b := *t.bundle
	b.Resource = nil
	for _, rp := range t.Around.Resource {
		if rp.Fits(r.Resource) {
			b.Resource = append(b.Resource, rp.compiled)
		}
	}
	return &b
}

// policyOf returns the file of the policy a match names, and the policy; the
// identity policy is the target's own. resource is the request's resource, which
// decides which resource policies were in the bundle.
func (t *Target) policyOf(m model.Match, resource string) (string, *model.Policy) {
	s := t.Around
	switch {
	case m.Type == model.IdentityPolicy && s != nil && m.Policy > 0 && m.Policy <= len(s.Identity):
		p := s.Identity[m.Policy-1]
		return p.Path, p.Policy
	case m.Type == model.IdentityPolicy || s == nil:
	case m.Type == model.BoundaryPolicy && s.Boundary != nil:
		return s.Boundary.Path, s.Boundary.Policy
	case m.Type == model.SCPPolicy && m.Level < len(s.SCP):
		return s.SCP[m.Level].Path, s.SCP[m.Level].Policy
	case m.Type == model.RCPPolicy && m.Level < len(s.RCP):
		return s.RCP[m.Level].Path, s.RCP[m.Level].Policy
	case m.Type == model.SessionPolicy && s.Session != nil:
		return s.Session.Path, s.Session.Policy
	case m.Type == model.ResourcePolicy:
		// The bundle holds only the resource policies attached to the request's
		// resource; the match's index counts among those.
		n := 0
		for _, rp := range s.Resource {
			if rp.Fits(resource) {
				if n == m.Policy {
					return rp.Path, rp.Policy
				}
				n++
			}
		}
	}
	return t.Path, t.Policy
}

// loadSurroundings reads the surrounding policies a spec names; paths are
// relative to the spec file's folder.
func loadSurroundings(sp *SpecPolicies, specFile string) (*Surroundings, error) {
	if sp == nil {
		return nil, nil
	}
	dir := filepath.Dir(specFile)
	rel := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	s := &Surroundings{}
	var errs []error
	one := func(p string, typ model.PolicyType) *PolicyFile {
		pf, err := LoadPolicyFile(rel(p), typ)
		if err != nil {
			errs = append(errs, err)
		}
		return pf
	}
	if sp.Boundary != "" {
		s.Boundary = one(sp.Boundary, model.BoundaryPolicy)
	}
	for _, p := range sp.SCP {
		s.SCP = append(s.SCP, one(p, model.SCPPolicy))
	}
	for _, p := range sp.RCP {
		s.RCP = append(s.RCP, one(p, model.RCPPolicy))
	}
	if sp.Session != "" {
		s.Session = one(sp.Session, model.SessionPolicy)
	}
	for _, rp := range sp.Resource {
		for _, res := range rp.AttachedTo {
			if err := s.AddResourcePolicy(rel(rp.File), res); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}
