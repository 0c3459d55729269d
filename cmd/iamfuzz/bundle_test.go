package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const generalExamples = "../../corpus/examples/general/"

func TestCheckGeneralDefaultAndBoundary(t *testing.T) {
	// iam:* alone escalates; under an S3-read-only boundary it does not.
	code, out, _ := checkCmd(t, "", "check", "--seed", "1", "--checks", "500", generalExamples+"iam-admin.json")
	if code != exitFailures || !strings.Contains(out, "[no-escalation] create-policy-version") || !strings.Contains(out, "built-in general default") || !strings.Contains(out, "default chosen because") {
		t.Fatalf("iam:* alone: exit %d\n%s", code, out)
	}
	code, out, _ = checkCmd(t, "", "check", "--seed", "1", "--checks", "500", "--boundary", generalExamples+"boundary-s3-read-only.json", generalExamples+"iam-admin.json", "--format", "json")
	var rep struct {
		Reproduce string
		Policies  []struct {
			Verdict, DefaultKind string
			Around               []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != exitOK || rep.Policies[0].Verdict == "fail" || rep.Policies[0].DefaultKind != "general" || len(rep.Policies[0].Around) != 1 || !strings.Contains(rep.Reproduce, "--boundary ") {
		t.Fatalf("under the boundary: exit %d %+v", code, rep)
	}
	// Allow *:* fails for full access and escalation.
	code, out, _ = checkCmd(t, "", "check", "--seed", "1", "--checks", "500", generalExamples+"admin.json", "--format", "sarif")
	if code != exitFailures || !strings.Contains(out, `"ruleId": "no-full-access"`) || !strings.Contains(out, `"ruleId": "no-escalation"`) {
		t.Fatalf("admin: exit %d", code)
	}
}

func TestCheckResourcePolicyFlag(t *testing.T) {
	code, _, errOut := checkCmd(t, "", "check", "--resource-policy", generalExamples+"admin.json", generalExamples+"s3-read-only.json")
	if code != exitUsage || !strings.Contains(errOut, "FILE=ARN") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, _, errOut = checkCmd(t, "", "check", "--boundary", "no-such-file.json", generalExamples+"s3-read-only.json")
	if code != exitUsage || !strings.Contains(errOut, "no-such-file.json") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// Each rule kind's worked example works from the command line in every format.
func TestCheckRuleKindsFormats(t *testing.T) {
	for _, kind := range []string{"never", "only", "liveness", "bundle"} {
		dir := "../../corpus/examples/" + kind + "/"
		for _, format := range []string{"text", "json", "sarif"} {
			code, out, errOut := checkCmd(t, "", "check", "--format", format, "--spec", dir+"spec.yaml", dir+"keeps.json", dir+"breaks.json")
			if code != exitFailures {
				t.Fatalf("%s %s: exit %d: %s", kind, format, code, errOut)
			}
			inv := kind
			if kind == "bundle" {
				inv = "no-escalation"
			}
			var want string
			switch format {
			case "text":
				want = "[" + inv + "]"
			case "json":
				want = `"invariant": "` + inv + `"`
			default:
				want = `"ruleId": "` + inv + `"`
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s %s: %q missing", kind, format, want)
			}
		}
	}
}
