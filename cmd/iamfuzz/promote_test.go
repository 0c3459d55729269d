package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// TestPromoteFuzzCrasher turns the committed FuzzParse crasher into a case, appends
// it, and refuses to append the same id twice.
func TestPromoteFuzzCrasher(t *testing.T) {
	out := filepath.Join(t.TempDir(), "findings.jsonl")
	crasher := "../../fuzz/parse/testdata/fuzz/FuzzParse/ebc0a643bdea5bfd"
	args := []string{"promote", "--fuzz", crasher, "--id", "p1", "--expect", "error", "--source", "test", "--out", out}
	if code, _, errs := runCmd(t, nil, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, _, errs := runCmd(t, nil, args...); code != exitUsage || !strings.Contains(errs, "already has") {
		t.Fatalf("second append: exit %d: %s", code, errs)
	}
	code, _, errs := runCmd(t, nil, "eval", out)
	if code != exitOK || !strings.Contains(errs, "1 passed") {
		t.Fatalf("the promoted case does not pass: exit %d: %s", code, errs)
	}
}

// TestPromoteDecideInput decodes a decide target input the way the target does
// (fuzz.DecideCase): here a corpus case picked by index, whose policies come
// inline, so the promoted case stands alone.
func TestPromoteDecideInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "FuzzDecide")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "0123")
	if err := os.WriteFile(in, []byte("go test fuzz v1\n[]byte(\"\\xc0\\x00\\x05\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, nil, "promote", "--fuzz", in, "--id", "p3", "--expect", "allowed", "--source", "test")
	if code != exitOK || !strings.Contains(out, `"id":"p3"`) || strings.Contains(out, "$ref") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
}

func TestPromoteLine(t *testing.T) {
	line := strings.ReplaceAll(aliceLine, "../../corpus", "corpus")
	line = strings.Replace(line, "%s", "x", 1)
	line = strings.Replace(line, "%q", `"false"`, 1)
	line = strings.Replace(line, "%s", "", 1)
	wd, _ := os.Getwd()
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code, out, errs := runCmd(t, nil, "promote", "--line", line, "--id", "p2", "--expect", "explicitDeny", "--source", "seed 000")
	if code != exitOK || !strings.Contains(out, `"expect":"explicitDeny"`) || strings.Contains(out, "$ref") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
}

func TestPromoteNeedsExpectation(t *testing.T) {
	if code, _, _ := runCmd(t, nil, "promote", "--fuzz", "x", "--id", "a"); code != exitUsage {
		t.Errorf("exit %d", code)
	}
}

// TestInlineEveryPolicyType: promote inlines a $ref whatever the policy's type.
func TestInlineEveryPolicyType(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(`{"Version":"2012-10-17","Statement":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &model.Case{Dir: dir}
	for _, typ := range model.CaseTypes() {
		if err := c.Policies.Add(model.PolicyRef{Type: typ, Level: 1}, jsontext.Value(`{"$ref":"p.json"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := inlinePolicies(c); err != nil {
		t.Fatal(err)
	}
	n := 0
	for ref, v := range c.Policies.All() {
		n++
		if v.Kind() != '"' {
			t.Errorf("%s not inlined: %s", ref, v)
		}
	}
	if n != len(model.CaseTypes()) || len(c.Policies.SCP) != 2 {
		t.Errorf("%d policies, %d SCP levels after inlining", n, len(c.Policies.SCP))
	}
}
