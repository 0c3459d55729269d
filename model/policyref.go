package model

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// PolicyRef names one policy of a case or a bundle the way the eval format, reports
// and errors write it: "identity[0]", "boundary[0]", "scp[1][0]" (the first policy of
// SCP level 1, levels counted from the organization root), "resource[0]",
// "rcp[0][2]", "session[0]". It is the one place that spelling lives.
type PolicyRef struct {
	Type  PolicyType
	Level int // SCP and RCP level, root first; 0 for the other types
	Index int // index in its list (in its level, for SCPs and RCPs)
}

// Leveled reports whether policies of type t come in levels of the organization
// hierarchy (SCPs and RCPs).
func (t PolicyType) Leveled() bool { return t == SCPPolicy || t == RCPPolicy }

// ErrPolicyRef is wrapped by the errors of ParsePolicyRef and ParsePolicyType.
var ErrPolicyRef = errors.New("invalid policy reference")

// policyTypes are every policy type, in the order All yields them.
var policyTypes = []PolicyType{IdentityPolicy, BoundaryPolicy, SCPPolicy, ResourcePolicy, RCPPolicy, SessionPolicy}

// ParsePolicyType reads a policy type's name, as PolicyType.String writes it.
func ParsePolicyType(s string) (PolicyType, error) {
	for _, t := range policyTypes {
		if t.String() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown policy type %q", ErrPolicyRef, s)
}

func (r PolicyRef) String() string { return string(r.appendTo(nil)) }

// appendTo appends String's text to b.
func (r PolicyRef) appendTo(b []byte) []byte {
	b = append(b, r.Type.String()...)
	if r.Type.Leveled() {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(r.Level), 10)
		b = append(b, ']')
	}
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(r.Index), 10)
	return append(b, ']')
}

// ParsePolicyRef reads a reference as PolicyRef.String writes it.
func ParsePolicyRef(s string) (PolicyRef, error) {
	name, rest, ok := strings.Cut(s, "[")
	if !ok {
		return PolicyRef{}, fmt.Errorf("%w: %q has no index", ErrPolicyRef, s)
	}
	t, err := ParsePolicyType(name)
	if err != nil {
		return PolicyRef{}, err
	}
	var idx []int
	for rest != "" {
		num, after, ok := strings.Cut(rest, "]")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 || strconv.Itoa(n) != num {
			return PolicyRef{}, fmt.Errorf("%w: %q: bad index", ErrPolicyRef, s)
		}
		idx = append(idx, n)
		if after == "" {
			break
		}
		if rest, ok = strings.CutPrefix(after, "["); !ok {
			return PolicyRef{}, fmt.Errorf("%w: %q: text after an index", ErrPolicyRef, s)
		}
	}
	switch {
	case t.Leveled() && len(idx) == 2:
		return PolicyRef{Type: t, Level: idx[0], Index: idx[1]}, nil
	case !t.Leveled() && len(idx) == 1:
		return PolicyRef{Type: t, Index: idx[0]}, nil
	}
	want := "one index"
	if t.Leveled() {
		want = "two indexes (level, policy)"
	}
	return PolicyRef{}, fmt.Errorf("%w: %q: %s takes %s", ErrPolicyRef, s, t, want)
}

// caseTypes are the policy types a case of the eval format holds, in the order All
// yields them.
var caseTypes = []PolicyType{IdentityPolicy, BoundaryPolicy, SCPPolicy, ResourcePolicy, RCPPolicy}

// CaseTypes returns the policy types a case can hold, in the order All yields them.
func CaseTypes() []PolicyType { return append([]PolicyType(nil), caseTypes...) }

// list and levels are the one place that maps a policy type to a CasePolicies
// field; All, Map and Add build on them.
func (p *CasePolicies) list(t PolicyType) *[]jsontext.Value {
	switch t {
	case IdentityPolicy:
		return &p.Identity
	case BoundaryPolicy:
		return &p.Boundary
	case ResourcePolicy:
		return &p.Resource
	}
	return nil
}

func (p *CasePolicies) levels(t PolicyType) *[][]jsontext.Value {
	switch t {
	case SCPPolicy:
		return &p.SCP
	case RCPPolicy:
		return &p.RCP
	}
	return nil
}

// All yields every policy of the case with its reference: identity, boundary, SCP
// levels, resource, RCP levels, each in order. Empty SCP and RCP levels yield
// nothing; Map keeps them.
func (p *CasePolicies) All() iter.Seq2[PolicyRef, jsontext.Value] {
	return func(yield func(PolicyRef, jsontext.Value) bool) {
		for _, t := range caseTypes {
			if l := p.list(t); l != nil {
				for i, v := range *l {
					if !yield(PolicyRef{Type: t, Index: i}, v) {
						return
					}
				}
				continue
			}
			for lvl, vs := range *p.levels(t) {
				for i, v := range vs {
					if !yield(PolicyRef{Type: t, Level: lvl, Index: i}, v) {
						return
					}
				}
			}
		}
	}
}

// Map returns a copy of the policies with every policy replaced by f's value, of the
// same shape: absent lists stay absent and empty levels stay (an empty SCP level
// denies everything). The first error stops it.
func (p *CasePolicies) Map(f func(PolicyRef, jsontext.Value) (jsontext.Value, error)) (CasePolicies, error) {
	var out CasePolicies
	mapList := func(ref PolicyRef, vs []jsontext.Value) ([]jsontext.Value, error) {
		if vs == nil {
			return nil, nil
		}
		o := make([]jsontext.Value, len(vs))
		for i, v := range vs {
			ref.Index = i
			w, err := f(ref, v)
			if err != nil {
				return nil, err
			}
			o[i] = w
		}
		return o, nil
	}
	for _, t := range caseTypes {
		var err error
		if l := p.list(t); l != nil {
			if *out.list(t), err = mapList(PolicyRef{Type: t}, *l); err != nil {
				return CasePolicies{}, err
			}
			continue
		}
		src := *p.levels(t)
		if src == nil {
			continue
		}
		dst := make([][]jsontext.Value, len(src))
		for lvl, vs := range src {
			if dst[lvl], err = mapList(PolicyRef{Type: t, Level: lvl}, vs); err != nil {
				return CasePolicies{}, err
			}
		}
		*out.levels(t) = dst
	}
	return out, nil
}

// Add appends v to the list ref names, growing SCP and RCP levels as needed; ref's
// Index is ignored. Adding a policy type a case cannot hold is an error.
func (p *CasePolicies) Add(ref PolicyRef, v jsontext.Value) error {
	if l := p.list(ref.Type); l != nil {
		*l = append(*l, v)
		return nil
	}
	lv := p.levels(ref.Type)
	if lv == nil {
		return fmt.Errorf("%w: a case holds no %s policies", ErrPolicyRef, ref.Type)
	}
	for len(*lv) <= ref.Level {
		*lv = append(*lv, []jsontext.Value{})
	}
	(*lv)[ref.Level] = append((*lv)[ref.Level], v)
	return nil
}

// reset empties b for a case with scp and rcp levels, reusing its storage (empty
// levels count: an empty SCP level denies everything).
func (b *Bundle) reset(scp, rcp int) {
	*b = Bundle{Identity: b.Identity[:0], Resource: b.Resource[:0], SCP: levelsFor(b.SCP, scp), RCP: levelsFor(b.RCP, rcp)}
}

// levelsFor returns n empty levels, in ls's storage when it has room; nil for none.
func levelsFor(ls [][]*Compiled, n int) [][]*Compiled {
	if n == 0 {
		return nil
	}
	if cap(ls) < n {
		ls = make([][]*Compiled, n)
	}
	ls = ls[:n]
	for i := range ls {
		ls[i] = ls[i][:0]
	}
	return ls
}

// add puts c where ref says, in levels newBundle made.
func (b *Bundle) add(ref PolicyRef, c *Compiled) {
	switch ref.Type {
	case IdentityPolicy:
		b.Identity = append(b.Identity, c)
	case BoundaryPolicy:
		b.Boundary = c
	case SCPPolicy:
		b.SCP[ref.Level] = append(b.SCP[ref.Level], c)
	case ResourcePolicy:
		b.Resource = append(b.Resource, c)
	case RCPPolicy:
		b.RCP[ref.Level] = append(b.RCP[ref.Level], c)
	case SessionPolicy:
		b.Session = c
	}
}

// All yields every compiled policy of the bundle with its reference: identity,
// boundary, SCP levels, resource, RCP levels, session.
func (b *Bundle) All() iter.Seq2[PolicyRef, *Compiled] {
	return func(yield func(PolicyRef, *Compiled) bool) {
		flat := func(t PolicyType, cs []*Compiled) bool {
			for i, c := range cs {
				if !yield(PolicyRef{Type: t, Index: i}, c) {
					return false
				}
			}
			return true
		}
		leveled := func(t PolicyType, ls [][]*Compiled) bool {
			for lvl, cs := range ls {
				for i, c := range cs {
					if !yield(PolicyRef{Type: t, Level: lvl, Index: i}, c) {
						return false
					}
				}
			}
			return true
		}
		one := func(t PolicyType, c *Compiled) bool {
			return c == nil || yield(PolicyRef{Type: t}, c)
		}
		_ = flat(IdentityPolicy, b.Identity) && one(BoundaryPolicy, b.Boundary) &&
			leveled(SCPPolicy, b.SCP) && flat(ResourcePolicy, b.Resource) &&
			leveled(RCPPolicy, b.RCP) && one(SessionPolicy, b.Session)
	}
}
