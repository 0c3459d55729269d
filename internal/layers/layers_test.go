package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/iamfuzz/iamfuzz"

// listed is the part of `go list -json` the check reads.
type listed struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }
}

// goList returns every package of the module with its imports, built with tags.
func goList(t *testing.T, tags string) []Package {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Fatalf("the import rules need the go command: %v", err)
	}
	cmd := exec.Command(goCmd, "list", "-e", "-tags="+tags,
		"-json=ImportPath,Imports,TestImports,XTestImports,Error", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if l.Error != nil {
			t.Fatalf("go list %s: %s", l.ImportPath, l.Error.Err)
		}
		rel, ok := Relative(module, l.ImportPath)
		if !ok {
			t.Fatalf("go list returned %s, outside the module", l.ImportPath)
		}
		pkgs = append(pkgs, Package{Path: rel, Imports: l.Imports,
			TestImports: append(l.TestImports, l.XTestImports...)})
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages: is the test running inside the module?", len(pkgs))
	}
	return pkgs
}

// TestImportRules checks every package of the module, with and without the planted-bug
// tag, against the table.
func TestImportRules(t *testing.T) {
	for _, tags := range []string{"", "iamfuzz_plant"} {
		for _, v := range Check(module, Rules, goList(t, tags)) {
			t.Errorf("tags %q: %s", tags, v)
		}
	}
}

// TestCheckFindsForbiddenImports plants forbidden edges in a synthetic module and
// requires the checker to name each one, so TestImportRules can fail.
func TestCheckFindsForbiddenImports(t *testing.T) {
	ours := func(p string) string { return module + "/" + p }
	pkgs := []Package{
		{Path: "model", Imports: []string{"fmt", ours("oracle")}},                      // the leaf imports upward
		{Path: "oracle/peer", Imports: []string{ours("model"), ours("oracle/awsiam")}}, // sibling oracles
		{Path: "properties", Imports: []string{ours("oracle")}},                        // properties reaches into oracles
		{Path: "oracle/replay", Imports: []string{ours("model"), awsSDK + "/aws"}},     // an SDK outside its layer
		{Path: "oracle/awsiam/iamtest", TestImports: []string{ours("oracle/awsiam")}},  // the fake imports the real
		{Path: "newpkg", Imports: []string{ours("model")}},                             // not in the table
		// Allowed: these must not be reported.
		{Path: "oracle/peer", Imports: []string{ours("oracle"), jsonv2 + "/jsontext"},
			TestImports: []string{ours("properties/gencase"), rapid}},
		{Path: ".", Imports: []string{ours("properties"), "testing"}},
		{Path: "model", TestImports: []string{module + "/model", ours("corpus/catalog")}},
	}
	got := Check(module, Rules, pkgs)
	want := []string{
		"model imports oracle",
		"oracle/peer imports oracle/awsiam",
		"properties imports oracle",
		"oracle/replay imports " + awsSDK + "/aws",
		"oracle/awsiam/iamtest tests import oracle/awsiam",
		"newpkg: not in the import table",
	}
	if len(got) != len(want) {
		t.Errorf("got %d violations, want %d:\n%v", len(got), len(want), got)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(v Violation) bool { return strings.HasPrefix(v.String(), w) }) {
			t.Errorf("no violation %q in %v", w, got)
		}
	}
}

// TestRulesConsistent keeps the table itself honest: every import it allows names a
// row, and the allowed production edges form no cycle (imports point one way).
func TestRulesConsistent(t *testing.T) {
	for from, r := range Rules {
		for _, to := range slices.Concat(r.Imports, r.TestImports) {
			if _, ok := Rules[to]; !ok {
				t.Errorf("%s's row allows %s, which has no row", from, to)
			}
		}
	}
	if cycle := findCycle(Rules); cycle != nil {
		t.Errorf("the table allows an import cycle: %s", strings.Join(cycle, " -> "))
	}
	// The leaf stays a leaf.
	if r := Rules["model"]; len(r.Imports) != 0 {
		t.Errorf("model may import %v: it must import nothing of ours", r.Imports)
	}
}

func TestFindCycle(t *testing.T) {
	rules := map[string]Rule{"a": {Imports: []string{"b"}}, "b": {Imports: []string{"c"}}, "c": {Imports: []string{"a"}}}
	if findCycle(rules) == nil {
		t.Fatal("a -> b -> c -> a not reported")
	}
	delete(rules, "c")
	rules["c"] = Rule{}
	if c := findCycle(rules); c != nil {
		t.Fatalf("acyclic table reported a cycle %v", c)
	}
}

// findCycle returns one cycle among the rows' Imports, or nil.
func findCycle(rules map[string]Rule) []string {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(string) []string
	visit = func(p string) []string {
		switch state[p] {
		case active:
			i := slices.Index(stack, p)
			return append(slices.Clone(stack[i:]), p)
		case done:
			return nil
		}
		state[p] = active
		stack = append(stack, p)
		for _, q := range rules[p].Imports {
			if c := visit(q); c != nil {
				return c
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = done
		return nil
	}
	keys := make([]string, 0, len(rules))
	for k := range rules {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c := visit(k); c != nil {
			return c
		}
	}
	return nil
}
