package source

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Reader reads input files the way Read, ReadFile and Collect do, with values for
// CloudFormation parameters: a template's parameter without a default, or one a
// condition tests, otherwise stands for a value unknown offline (a placeholder, or
// an Fn::If that cannot pick a branch). The zero Reader gives no values. A Reader
// is not safe for concurrent use.
type Reader struct {
	// Parameters are values by parameter name, as a deployment passes them
	// (aws cloudformation deploy --parameter-overrides): a template that declares
	// the parameter takes the value instead of its default, in Ref, Fn::Sub and
	// Conditions alike. A template that does not declare it ignores it.
	Parameters map[string]string
	// declared records every parameter a template read so far declares.
	declared map[string]bool
}

// Read is the package's Read with r's parameters.
func (r *Reader) Read(name string, data []byte) ([]*Policy, error) { return readWith(name, data, r) }

// ReadFile is the package's ReadFile with r's parameters.
func (r *Reader) ReadFile(path string, stdin io.Reader) ([]*Policy, error) {
	return readFile(path, stdin, r)
}

// Collect is the package's Collect with r's parameters.
func (r *Reader) Collect(args, exclude []string, stdin io.Reader) ([]*Policy, error) {
	return collect(args, exclude, stdin, r)
}

// Undeclared returns, in name order, the given parameters that no template read
// so far declares: a misspelt name, or a parameter of another template, which
// would otherwise be ignored without a word.
func (r *Reader) Undeclared() []string {
	var out []string
	for name := range r.Parameters {
		if !r.declared[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Declared returns, in name order, the parameters the templates read so far
// declare (for a message about an undeclared one).
func (r *Reader) Declared() []string {
	var out []string
	for name := range r.declared {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// declare notes the template's parameters and returns the values given for them.
// A value outside a parameter's AllowedValues is an error, as CloudFormation
// rejects the deployment.
func (r *Reader) declare(t *template) (map[string]string, error) {
	if r == nil || t.params == nil || t.params.kind != nMap {
		return nil, nil
	}
	if r.declared == nil {
		r.declared = map[string]bool{}
	}
	var given map[string]string
	for i, name := range t.params.keys {
		r.declared[name] = true
		v, ok := r.Parameters[name]
		if !ok {
			continue
		}
		if allowed := t.params.vals[i].get("AllowedValues"); allowed != nil && allowed.kind == nSeq {
			var vals []string
			for _, it := range allowed.items {
				if it.kind == nStr {
					vals = append(vals, it.str)
				}
			}
			if len(vals) == len(allowed.items) && !slices.Contains(vals, v) {
				return nil, t.errf(allowed, "Parameters."+name+".AllowedValues", ErrTemplate,
					"the value given for parameter %s, %q, is not one of its AllowedValues (%s)", name, v, strings.Join(vals, ", "))
			}
		}
		if given == nil {
			given = map[string]string{}
		}
		given[name] = v
	}
	return given, nil
}

// givenHint tells how to decide a condition that depends on a parameter without a
// value: why is a condition's "Ref-Name (unknown offline)".
func givenHint(why string) string {
	name, ok := strings.CutPrefix(why, "Ref-")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, " ")
	return fmt.Sprintf(" (give the parameter a value: iamfuzz check --parameter %s=VALUE)", name)
}
