package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// check --parameter NAME=VALUE gives a CloudFormation parameter the value a
// deployment passes (corpus/examples/parameters/README.md): without it an !If on a
// parameter without a default cannot be decided; with it the template is proved
// or fails by the branch taken, replay lines carry the document resolved with the
// value, and a value the template refuses or a name no template declares is bad
// input.
func TestCheckParameters(t *testing.T) {
	const tpl = "../../corpus/examples/parameters/app.template.yaml"
	code, out, _ := checkCmd(t, "", "check", tpl)
	if code != exitUsage || !strings.Contains(out, "--parameter Env=VALUE") {
		t.Errorf("without --parameter: exit %d, want %d and a hint naming --parameter Env=VALUE\n%s", code, exitUsage, out)
	}
	code, out, _ = checkCmd(t, "", "check", "--parameter", "Env=prod", "--parameter", "BucketName=app-data", tpl)
	if code != exitOK || !strings.Contains(out, "PROVED "+tpl+"#AppPolicy") || !strings.Contains(out, `source note: parameter Env is "prod", the value given for it`) ||
		!strings.Contains(out, "reproduce: iamfuzz check --parameter BucketName=app-data --parameter Env=prod "+tpl) {
		t.Errorf("Env=prod: exit %d, want proved, the values noted and in the reproduce line\n%s", code, out)
	}
	code, out, _ = checkCmd(t, "", "check", "--format", "json", "--parameter", "Env=dev", tpl)
	if code != exitFailures {
		t.Fatalf("Env=dev: exit %d, want %d\n%s", code, exitFailures, out)
	}
	var r struct {
		Policies []struct{ Violations []jsonFinding }
	}
	must(t, json.Unmarshal([]byte(out), &r))
	if len(r.Policies) != 1 || len(r.Policies[0].Violations) == 0 {
		t.Fatalf("Env=dev: %s", out)
	}
	// eval reads no --parameter: the replay must not name the template.
	c := r.Policies[0].Violations[0].Case
	if strings.Contains(string(c), "$ref") {
		t.Errorf("the replay case names the template, which eval would read without Env=dev: %s", c)
	}
	var line bytes.Buffer
	must(t, json.Compact(&line, c))
	if code, _, errOut := checkCmd(t, line.String()+"\n", "eval"); code != exitOK || !strings.Contains(errOut, "1 passed, 0 failed") {
		t.Errorf("replay: exit %d\n%s", code, errOut)
	}
	for _, bad := range []struct{ arg, want string }{
		{"Env=test", "not one of its AllowedValues (dev, prod)"},
		{"Environment=prod", "--parameter Environment: no template among the inputs declares it (the templates declare BucketName, Env)"},
		{"Env", "want NAME=VALUE"},
	} {
		code, out, errOut := checkCmd(t, "", "check", "--parameter", bad.arg, tpl)
		if code != exitUsage || !strings.Contains(out+errOut, bad.want) {
			t.Errorf("--parameter %s: exit %d, want %d and %q\n%s%s", bad.arg, code, exitUsage, bad.want, out, errOut)
		}
	}
}

// A SAM template's function policies are checked as the inline policies of the
// functions' roles (corpus/examples/sam/README.md); the file said "holds no
// policy" (exit 2) before.
func TestCheckSAM(t *testing.T) {
	const tpl = "../../corpus/examples/sam/app.template.yaml"
	code, out, _ := checkCmd(t, "", "check", tpl)
	if code != exitFailures || !strings.Contains(out, "PROVED "+tpl+"#Reader.Policies[1]") || !strings.Contains(out, "FAIL "+tpl+"#Deployer.Policies") ||
		!strings.Contains(out, "violation [no-escalation] passrole-lambda-invoke") ||
		!strings.Contains(out, "source note: SAM attaches managed policy AWSLambdaBasicExecutionRole to Reader's role as well") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
