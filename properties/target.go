package properties

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/source"
)

// Target is one policy with its spec, ready to be checked: the parsed and
// compiled policy, and the vocabulary its generators draw from. It is safe for
// concurrent use (gopter runs it from several workers).
type Target struct {
	// Path names the policy in reports and replay lines ($ref): the policy file as
	// given, or for a policy of a template or plan the file, "#" and its logical id
	// or address.
	Path   string
	Policy *model.Policy
	Spec   *Spec
	// Around are the policies around the identity policy (boundary, SCPs, RCPs,
	// resource and session policies); nil when it stands alone.
	Around *Surroundings
	// SpecWhy says why a built-in default spec was chosen; "" for a spec file.
	SpecWhy string
	// replayDoc, when set, is the policy replay lines carry inline instead of a
	// reference to the file: the aws-partition copy a policy of another
	// partition was checked as (inAWSPartition).
	replayDoc []byte
	// Source is where the policy came from; it maps statements back to the file's
	// lines. nil for a policy built in memory (mutants).
	Source *source.Policy

	// unknownAttached says, for each managed policy attached beside the policy
	// whose document is not known, why the principal's permissions are not
	// known: a proof over the others would not be one (attachedPolicies).
	unknownAttached []string
	// unknownBoundary, when the permissions boundary of the policy's user or
	// role is not known, says why: the policy is checked without it, and the
	// boundary may deny what it allows (boundaryPolicy, bounded).
	unknownBoundary string

	// proofBudget, when positive, replaces the partition's total walk budget
	// (partition.Problem.TotalBudget): the brute-force properties lower it so
	// that a variant whose walks explode ends unknown (never compared) quickly.
	proofBudget int

	bundle  *model.Bundle
	voc     *vocab
	evals   sync.Pool
	probers sync.Pool // idle *prober, for drawing and checking without allocating
}

// LoadTarget reads a policy file and its spec, found by the FindSpec convention;
// a policy without a spec gets DefaultSpec. Errors wrap ErrBadInput: a malformed
// policy is a *PolicyFileError naming the file, line, JSON path and reason, a
// malformed spec is SpecErrors.
func LoadTarget(policyPath string) (*Target, error) {
	return LoadTargetSpec(policyPath, "")
}

// LoadTargetSpec is LoadTarget with an explicit spec file; "" means the
// convention of FindSpec.
func LoadTargetSpec(policyPath, specPath string) (*Target, error) {
	return LoadTargetWith(policyPath, specPath, nil)
}

// LoadTargetWith is LoadTargetSpec with surrounding policies given on the command
// line; each kind they give replaces that kind of the spec's own "policies".
func LoadTargetWith(policyPath, specPath string, around *Surroundings) (*Target, error) {
	data, err := model.ReadFile(policyPath, model.MaxPolicySize)
	if err != nil {
		return nil, &PolicyFileError{File: policyPath, Err: err}
	}
	return TargetWith(source.Bare(policyPath, data), specPath, around)
}

// namesSTS reports whether a statement names an sts: action: a document with a
// Principal, a Resource and sts:AssumeRole is a trust policy that IAM refuses for
// its Resource, not a bucket's or queue's policy, and stays bad input.
func namesSTS(p *model.Policy) bool {
	for _, st := range p.Statements {
		for _, l := range []*model.StringList{st.Action, st.NotAction} {
			if l == nil {
				continue
			}
			for _, a := range l.Values {
				if len(a) >= 4 && strings.EqualFold(a[:4], "sts:") {
					return true
				}
			}
		}
	}
	return false
}

// TargetFor is TargetWith without surrounding policies from the command line.
func TargetFor(p *source.Policy, specPath string) (*Target, error) {
	return TargetWith(p, specPath, nil)
}

// TargetWith prepares one identity policy found by package source (a policy file, or
// a policy of a template or plan) with its spec: specPath, or "" for the FindSpec
// convention applied to the policy's file, among the surrounding policies (each
// kind around gives replaces that kind of the spec's own "policies"). A policy
// that source could not extract, or that does not parse, is a *PolicyFileError.
func TargetWith(p *source.Policy, specPath string, around *Surroundings) (*Target, error) {
	if p.Err != nil {
		return nil, &PolicyFileError{File: p.Name, Err: p.Err, Source: p}
	}
	if p.Kind != source.Identity {
		return nil, &PolicyFileError{File: p.Name, Err: fmt.Errorf("a %s policy: the invariants concern identity policies", p.Kind), Source: p}
	}
	// Parsed with the catalogue, the policy carries the warnings check reports
	// (Warnings): an action that does not exist is otherwise silent.
	loadCatalog()
	pol, err := model.ParseWith(p.Doc, model.IdentityPolicy, model.ParseOptions{Catalog: catData})
	if err != nil {
		// A bare file may be a role's trust policy or a bucket's or queue's policy:
		// valid, and nothing to check on its own (as in a template, checkOther).
		if p.Format == source.PolicyJSON {
			if _, terr := model.Parse(p.Doc, model.TrustPolicy); terr == nil {
				return nil, fmt.Errorf("%s: %w", p.Name, ErrTrustPolicy)
			}
			if rp, rerr := model.Parse(p.Doc, model.ResourcePolicy); rerr == nil && !namesSTS(rp) {
				return nil, fmt.Errorf("%s: %w", p.Name, ErrResourcePolicy)
			}
		}
		fe := &PolicyFileError{File: p.Name, Err: err, Source: p}
		if p.Format == source.PolicyJSON {
			fe.Source, fe.data = nil, p.Doc
		}
		return nil, fe
	}
	attached, unknown := attachedPolicies(p)
	if len(attached) > 0 {
		around = around.Over(&Surroundings{Identity: attached})
	}
	// The principal's own permissions boundary, unless --boundary replaces it
	// (README "Permissions boundaries of a template's users and roles").
	var unknownBoundary string
	if around == nil || around.Boundary == nil {
		var bnd *PolicyFile
		if bnd, unknownBoundary = boundaryPolicy(p); bnd != nil {
			around = around.Over(&Surroundings{Boundary: bnd})
		}
	}
	if specPath == "" && p.File != "-" {
		if specPath, err = FindSpec(p.File); err != nil {
			return nil, err
		}
	}
	var t *Target
	if specPath == "" {
		part := homePartition(pol)
		if part != "" {
			pol = inAWSPartition(pol, part)
		}
		spec, why := ChooseDefault(pol)
		replay := pol
		if spec.DefaultKind == DefaultMFAGuard {
			pol = withAssumedAllow(pol)
		}
		t = NewTargetIn(p.Name, pol, spec, around)
		t.SpecWhy = why
		if part != "" {
			t.SpecWhy += "; its ARNs name the " + part + " partition and are read as aws ARNs (the same rules hold in every partition): requests and replay lines are in aws"
			t.replayDoc = replay.Marshal()
		}
	} else {
		spec, err := LoadSpec(specPath)
		if err != nil {
			return nil, err
		}
		own, err := loadSurroundings(spec.Policies, specPath)
		if err != nil {
			return nil, err
		}
		t = NewTargetIn(p.Name, pol, spec, own.Over(around))
	}
	t.Source, t.unknownAttached, t.unknownBoundary = p, unknown, unknownBoundary
	if p.Given && t.replayDoc == nil {
		// The document was resolved with parameter values given for this run, which
		// a {"$ref": template#id} would not see: replay lines carry it inline.
		t.replayDoc = p.Doc
	}
	// A stack's identity policies attach only to principals in the stack's account,
	// which source writes as source.DeployAccount (AWS::AccountId), the account the
	// generators draw callers from first.
	t.voc.homeCallers = p.Format == source.CloudFormation
	if t.voc.homeCallers {
		t.voc.homeWhy = fmt.Sprintf("callers outside account %s, who cannot hold the policy: a stack attaches its identity policies to principals of its own account", t.voc.accounts[0])
	}
	if a := homeAccount(pol); a != "" && !t.voc.homeCallers {
		// Every resource the policy grants on a user's own ARN names account a:
		// the policy is written for, and attached in, that account, so callers
		// elsewhere cannot hold it (an identity policy is attached to principals
		// of one account, docs/semantics.md §3.3).
		t.voc.accounts = append([]string{a}, slices.DeleteFunc(t.voc.accounts, func(x string) bool { return x == a })...)
		t.voc.homeCallers = true
		t.voc.homeWhy = fmt.Sprintf("callers outside account %s, who cannot hold the policy: its user ARNs name that account, where it is attached", a)
	}
	return t, nil
}

// NewTarget prepares a parsed identity policy and a spec for checking. path is
// used in reports and replay lines ($ref); mutants use it with a policy that
// exists only in memory.
func NewTarget(path string, pol *model.Policy, spec *Spec) *Target {
	return NewTargetIn(path, pol, spec, nil)
}

// NewTargetIn is NewTarget for an identity policy among surrounding policies.
func NewTargetIn(path string, pol *model.Policy, spec *Spec, around *Surroundings) *Target {
	loadCatalog()
	if around.Empty() {
		around = nil
	}
	t := &Target{Path: path, Policy: pol, Spec: spec, Around: around, bundle: bundleOf(pol, around)}
	t.evals.New = func() any { return new(model.Evaluator) }
	t.voc = buildVocab(pol, spec)
	return t
}

// Decide decides a request under the target's policy.
func (t *Target) Decide(r *model.Request) model.Result {
	e := t.evals.Get().(*model.Evaluator)
	var res model.Result
	e.Decide(t.bundleFor(r), r, &res)
	t.evals.Put(e)
	return res
}

// Judge runs every invariant of the spec on one decided request and returns the
// violations, errors first.
func (t *Target) Judge(r *model.Request, res *model.Result) []*Violation {
	return t.judge(r, res, &judgement{req: r})
}

// judge is Judge sharing one judgement of the request among the invariants.
func (t *Target) judge(r *model.Request, res *model.Result, j *judgement) []*Violation {
	// Called directly, not through judgedChecks, so that j stays on the caller's
	// stack (a call through a function value makes it escape).
	spec, pol := t.Spec, t.Policy
	found := [...]*Violation{
		mfaGateCheck(spec, pol, r, res, j), ownerOnlyCheck(spec, pol, r, res, j), livenessCheck(spec, pol, r, res, j),
		neverCheck(spec, pol, r, res, j), onlyCheck(spec, pol, r, res, j), escalationCheck(spec, pol, r, res, j),
	}
	var out []*Violation
	for _, v := range found {
		if v != nil {
			out = append(out, v)
		}
	}
	if t.unknownBoundary != "" && len(out) > 0 {
		t.bounded(out)
	}
	if len(out) > 1 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Severity < out[j].Severity })
	}
	return out
}

// CheckProbe decides a probe and judges it. A probe that does not make a valid
// request (the model rejects it) has no violations; err says why.
func (t *Target) CheckProbe(p Probe) (*model.Request, []*Violation, error) {
	r, err := p.Request()
	if err != nil {
		return nil, nil, err
	}
	res := t.Decide(r)
	return r, t.Judge(r, &res), nil
}

// Property is the property every engine runs: it draws one probe from s, decides
// it and judges it, and returns the first violation of severity error, or nil.
// Warnings and notes are not failures; Run reports them.
func (t *Target) Property(s Source) *Violation {
	w := t.getProber()
	po := t.check(t.draw(s, w), w)
	t.probers.Put(w)
	if vs := po.Violations; len(vs) > 0 && vs[0].Severity == SeverityError {
		return vs[0]
	}
	return nil
}

// FuzzBytes is the property over go test -fuzz input: the bytes are the choices
// (BytesSource), so the fuzzer's mutations and minimization act on probes. It
// returns the first violation of severity error, explained, or nil.
func (t *Target) FuzzBytes(data []byte) *Violation {
	v := t.Property(NewBytesSource(data))
	if v != nil {
		t.Explain(v)
	}
	return v
}

// LoadTargets loads every identity policy of the arguments (policy files,
// CloudFormation templates, Terraform plans, or folders searched for them, see
// source.Files) with its spec; specPath, if not "", is used for all of them. Trust
// and resource policies are left out: the invariants concern identity policies.
// It returns the targets that loaded and, joined, the errors of those that did not
// (each wraps ErrBadInput).
func LoadTargets(args []string, specPath string) ([]*Target, error) {
	pols, err := source.Collect(args, nil, nil)
	if err != nil {
		return nil, badInput{err}
	}
	var out []*Target
	var errs []error
	for _, p := range pols {
		if p.Err == nil && p.Kind != source.Identity {
			continue
		}
		t, err := TargetFor(p, specPath)
		if errors.Is(err, ErrTrustPolicy) || errors.Is(err, ErrResourcePolicy) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, t)
	}
	return out, errors.Join(errs...)
}
