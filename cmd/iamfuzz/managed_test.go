package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A finding decided by an AWS managed policy attached beside the checked one
// (corpus/examples/managed/admin.template.yaml) points at the attachment in the
// template, names the policy by its ARN in every format, and its replay line,
// which carries the managed policy inline, makes eval confirm the decision.
func TestCheckManagedAttachmentFinding(t *testing.T) {
	const tpl = "../../corpus/examples/managed/admin.template.yaml"
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	line := lineOf(t, tpl, admin)
	code, out, _ := checkCmd(t, "", "check", "--format", "json", tpl)
	if code != exitFailures {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var rep jsonOut
	must(t, json.Unmarshal([]byte(out), &rep))
	if len(rep.Policies) != 1 || len(rep.Policies[0].Violations) == 0 {
		t.Fatalf("%s", out)
	}
	var raw struct {
		Policies []struct {
			Violations []struct {
				Statement struct {
					Policy, File string
					Line         int
				}
			}
		}
	}
	must(t, json.Unmarshal([]byte(out), &raw))
	for i, v := range raw.Policies[0].Violations {
		if s := v.Statement; s.Policy != admin || s.File != tpl || s.Line != line {
			t.Errorf("violation %d: statement %+v, want %s in %s at line %d", i, s, admin, tpl, line)
		}
	}
	v := rep.Policies[0].Violations[0]
	var c bytes.Buffer
	must(t, json.Compact(&c, v.Case))
	code, evalOut, evalErr := checkCmd(t, c.String()+"\n", "eval")
	if code != exitOK || !strings.Contains(evalErr, "1 passed, 0 failed") || !strings.Contains(evalOut, `"policy":"identity[1]"`) {
		t.Errorf("replay: exit %d\n%s\n%s", code, evalOut, evalErr)
	}
	_, text, _ := checkCmd(t, "", "check", tpl)
	if !strings.Contains(text, "judged with: identity "+admin) || !strings.Contains(text, "of the "+admin+" policy (Allow) at "+tpl+":"+itoa(line)+":") {
		t.Errorf("text report\n%s", text)
	}
}

// A finding decided by the template's own managed policy, attached beside the
// checked inline policy, points at that policy's statement in the template.
func TestCheckOwnManagedAttachmentFinding(t *testing.T) {
	dir := t.TempDir()
	tpl := dir + "/stack.yaml"
	must(t, os.WriteFile(tpl, []byte(`Resources:
  Admin:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: read
          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
      ManagedPolicyArns: [!Ref Admin]
`), 0o644))
	_, out, _ := checkCmd(t, "", "check", tpl)
	if !strings.Contains(out, "FAIL "+tpl+"#App.Policies[0]") || !strings.Contains(out, "of the "+tpl+"#Admin policy (Allow) at "+tpl+":8:13") {
		t.Errorf("%s", out)
	}
}
