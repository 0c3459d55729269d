package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A template's user's permissions boundary (corpus/examples/boundary) is in
// the bundle its policies are checked in: its Deny of iam:CreateAccessKey fails
// liveness, placed at the boundary's statement in the template; --boundary
// replaces it (README "Permissions boundaries of a template's users and roles").
func TestCheckTemplateBoundary(t *testing.T) {
	const tpl = "../../corpus/examples/boundary/deny-keys.template.yaml"
	code, text, _ := checkCmd(t, "", "check", tpl)
	at := "statement 1 of the " + tpl + "#Boundary policy (Deny) at " + tpl + ":" + itoa(lineOf(t, tpl, "- Effect: Deny")) + ":"
	if code != exitFailures || !strings.Contains(text, "violation [liveness]") || !strings.Contains(text, at) ||
		!strings.Contains(text, "judged with: boundary "+tpl+"#Boundary") || !strings.Contains(text, "SKIP "+tpl+"#Boundary: a boundary policy") {
		t.Errorf("exit %d, want %d, a liveness violation %q\n%s", code, exitFailures, at, text)
	}
	allow := filepath.Join(t.TempDir(), "allow.json")
	must(t, os.WriteFile(allow, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), 0o644))
	code, text, _ = checkCmd(t, "", "check", "--boundary", allow, tpl)
	if code != exitOK || !strings.Contains(text, "judged with: boundary "+allow) {
		t.Errorf("--boundary: exit %d, want %d, judged with it\n%s", code, exitOK, text)
	}
}

// A plan's policy is one string whose statements have no line: a finding
// decided by the plan's own boundary is placed at the policy's name, not at
// line 0 of the plan.
func TestCheckPlanBoundaryPlace(t *testing.T) {
	const plan = "../../corpus/examples/boundary/deny-keys.plan.json"
	code, text, _ := checkCmd(t, "", "check", plan)
	at := "statement 1 of the " + plan + "#aws_iam_policy.boundary policy (Deny) at " + plan + "#aws_iam_policy.boundary\n"
	if code != exitFailures || !strings.Contains(text, at) || strings.Contains(text, plan+":0:0") {
		t.Errorf("exit %d, want %d and the statement %q\n%s", code, exitFailures, at, text)
	}
}
