package properties

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/model"
)

// Target is one policy with its spec, ready to be checked: the parsed and
// compiled policy, and the vocabulary its generators draw from. It is safe for
// concurrent use (gopter runs it from several workers).
type Target struct {
	// Path is the policy file as given; it appears in reports and replay lines.
	Path   string
	Policy *model.Policy
	Spec   *Spec
	// Around are the policies around the identity policy (boundary, SCPs, RCPs,
	// resource and session policies); nil when it stands alone.
	Around *Surroundings
	// SpecWhy says why a built-in default spec was chosen; "" for a spec file.
	SpecWhy string

	bundle *model.Bundle
	voc    *vocab
	evals  sync.Pool
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
	pol, err := model.Parse(data, model.IdentityPolicy)
	if err != nil {
		if _, terr := model.Parse(data, model.TrustPolicy); terr == nil {
			return nil, fmt.Errorf("%s: %w", policyPath, ErrTrustPolicy)
		}
		return nil, &PolicyFileError{File: policyPath, Err: err, data: data}
	}
	if specPath == "" {
		if specPath, err = FindSpec(policyPath); err != nil {
			return nil, err
		}
	}
	if specPath == "" {
		spec, why := ChooseDefault(pol)
		t := NewTargetIn(policyPath, pol, spec, around)
		t.SpecWhy = why
		return t, nil
	}
	spec, err := LoadSpec(specPath)
	if err != nil {
		return nil, err
	}
	own, err := loadSurroundings(spec.Policies, specPath)
	if err != nil {
		return nil, err
	}
	return NewTargetIn(policyPath, pol, spec, own.Over(around)), nil
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

// PolicyFiles expands command-line arguments into policy files: a file is taken
// as it is; a folder gives every *.json file below it, in name order (hidden
// folders are skipped).
func PolicyFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
		}
		if !fi.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != a && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".json") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%w: %s: no *.json policy files", ErrBadInput, a)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
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
	var out []*Violation
	for _, inv := range Invariants {
		if v := inv(t.Spec, t.Policy, r, res); v != nil {
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity < out[j].Severity })
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
	_, vs, _ := t.CheckProbe(t.Draw(s))
	if len(vs) > 0 && vs[0].Severity == SeverityError {
		return vs[0]
	}
	return nil
}

// LoadTargets loads every policy of the arguments (files or folders) with its
// spec; specPath, if not "", is used for all of them. It returns the targets that
// loaded and, joined, the errors of those that did not (each wraps ErrBadInput).
func LoadTargets(args []string, specPath string) ([]*Target, error) {
	files, err := PolicyFiles(args)
	if err != nil {
		return nil, err
	}
	var out []*Target
	var errs []error
	for _, f := range files {
		t, err := LoadTargetSpec(f, specPath)
		if errors.Is(err, ErrTrustPolicy) {
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
