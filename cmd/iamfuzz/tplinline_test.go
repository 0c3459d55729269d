package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A user's other policy in the template (corpus/examples/inline) is in the
// bundle its MFA self-manage policy is checked in: its Deny of
// iam:CreateAccessKey fails liveness, in every format placed at the Deny's own
// line and named by the policy, and the replay line makes eval confirm it.
func TestCheckInlinePolicyFinding(t *testing.T) {
	const tpl = "../../corpus/examples/inline/deny-keys.template.yaml"
	const other = tpl + "#Developer.Policies[1]"
	line := lineOf(t, tpl, `"Sid": "DenyAccessKeys"`)
	code, text, _ := checkCmd(t, "", "check", tpl)
	at := "DenyAccessKeys (Deny, statement 0 of the " + other + " policy) at " + tpl + ":" + itoa(line) + ":"
	if code != exitFailures || !strings.Contains(text, "FAIL "+tpl+"#Developer.Policies[0]") || !strings.Contains(text, "violation [liveness]") ||
		!strings.Contains(text, at) || !strings.Contains(text, "judged with: identity "+other) {
		t.Errorf("exit %d, want %d, a liveness violation at %q\n%s", code, exitFailures, at, text)
	}
	_, out, _ := checkCmd(t, "", "check", "--format", "json", tpl)
	var raw struct {
		Policies []struct {
			Violations []struct {
				Statement struct {
					Policy, File string
					Line         int
				}
				Case json.RawMessage
			}
		}
	}
	must(t, json.Unmarshal([]byte(out), &raw))
	if len(raw.Policies) == 0 || len(raw.Policies[0].Violations) == 0 {
		t.Fatalf("%s", out)
	}
	v := raw.Policies[0].Violations[0]
	if s := v.Statement; s.Policy != other || s.File != tpl || s.Line != line {
		t.Errorf("statement %+v, want %s in %s at line %d", s, other, tpl, line)
	}
	var c bytes.Buffer
	must(t, json.Compact(&c, v.Case))
	code, evalOut, evalErr := checkCmd(t, c.String()+"\n", "eval")
	if code != exitOK || !strings.Contains(evalErr, "1 passed, 0 failed") || !strings.Contains(evalOut, `"policy":"identity[1]"`) {
		t.Errorf("replay: exit %d\n%s\n%s", code, evalOut, evalErr)
	}
}
