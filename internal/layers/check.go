package layers

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Package is one package's imports, as `go list -json` reports them, with import paths
// made relative to the module root ("." for the root).
type Package struct {
	Path string
	// Imports are the non-test imports; TestImports those of its _test.go files,
	// internal and external test packages together.
	Imports, TestImports []string
}

// Violation is one import the table does not allow, or a package missing from it.
type Violation struct {
	From, To string
	Test     bool   // the import is in a _test.go file
	Reason   string // why it is not allowed
}

func (v Violation) String() string {
	kind := "imports"
	if v.Test {
		kind = "tests import"
	}
	if v.To == "" {
		return fmt.Sprintf("%s: %s", v.From, v.Reason)
	}
	return fmt.Sprintf("%s %s %s: %s", v.From, kind, v.To, v.Reason)
}

// Check returns every import of pkgs that rules forbid, sorted. module is the module
// path: an import under it is one of ours and must be listed in the importer's row; an
// import whose first element has a dot is third-party and must match External (in
// non-test code); anything else is the standard library.
func Check(module string, rules map[string]Rule, pkgs []Package) []Violation {
	var out []Violation
	for _, p := range pkgs {
		r, ok := rules[p.Path]
		if !ok {
			out = append(out, Violation{From: p.Path,
				Reason: "not in the import table: add a row to internal/layers/rules.go saying what it may import"})
			continue
		}
		for _, imp := range p.Imports {
			if v, bad := judge(module, p.Path, imp, false, r); bad {
				out = append(out, v)
			}
		}
		for _, imp := range p.TestImports {
			if v, bad := judge(module, p.Path, imp, true, r); bad {
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func judge(module, from, imp string, test bool, r Rule) (Violation, bool) {
	v := Violation{From: from, To: imp, Test: test}
	if own, ok := Relative(module, imp); ok {
		if own == from || slices.Contains(r.Imports, own) || (test && slices.Contains(r.TestImports, own)) {
			return v, false
		}
		v.To = own
		v.Reason = "not in its row of the import table"
		if test {
			v.Reason = "not in its row of the import table (Imports or TestImports)"
		}
		return v, true
	}
	first, _, _ := strings.Cut(imp, "/")
	if !strings.Contains(first, ".") || test {
		return v, false // the standard library; tests may use any required module
	}
	for _, ext := range r.External {
		if imp == ext || strings.HasPrefix(imp, ext+"/") {
			return v, false
		}
	}
	v.Reason = "third-party module not in its row's External list"
	return v, true
}

// Relative returns imp relative to the module root ("." for the root itself) and
// whether imp is in the module at all.
func Relative(module, imp string) (string, bool) {
	if imp == module {
		return ".", true
	}
	if rest, ok := strings.CutPrefix(imp, module+"/"); ok {
		return rest, true
	}
	return "", false
}
