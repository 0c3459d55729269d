package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// A misspelt action in the MFA deny's NotAction (corpus/examples/heldout/
// brk-notaction-action-typo.json) makes the deny cover the action it meant to
// exempt: the finding points at the Deny, so check must also name the typo, in
// every format, at its statement's line.
const typoPolicy = "../../corpus/examples/heldout/brk-notaction-action-typo.json"

func TestCheckPolicyWarnings(t *testing.T) {
	stmtLine := lineOf(t, typoPolicy, `"Sid": "DenyAllExceptListedIfNoMFA"`) - 1 // the statement's opening brace
	want := `Statement[8].NotAction[1]: "iam:EnableMFADevices" is not an action in the catalogue (did you mean "iam:EnableMFADevice"?) (unknown-action)`

	code, out, errs := checkCmd(t, "", "check", typoPolicy)
	if code != exitFailures {
		t.Fatalf("exit %d, want 1 (the liveness failure; a warning never changes it)\n%s\n%s", code, out, errs)
	}
	if line := "  policy warning: " + typoPolicy + ":" + itoa(stmtLine) + ":5: " + want; !strings.Contains(out, line) {
		t.Errorf("text output lacks %q\n%s", line, out)
	}

	_, out, _ = checkCmd(t, "", "check", "--format", "json", typoPolicy)
	var rep struct {
		Policies []struct {
			PolicyWarnings []struct {
				Code, Path, File, Message string
				Line, Column              int
			} `json:"policyWarnings"`
		} `json:"policies"`
	}
	must(t, json.Unmarshal([]byte(out), &rep))
	if len(rep.Policies) != 1 || len(rep.Policies[0].PolicyWarnings) != 1 {
		t.Fatalf("JSON policyWarnings: %s", out)
	}
	if w := rep.Policies[0].PolicyWarnings[0]; w.Code != "unknown-action" || w.Path != "Statement[8].NotAction[1]" || w.File != typoPolicy || w.Line != stmtLine || !strings.Contains(w.Message, `did you mean "iam:EnableMFADevice"?`) {
		t.Errorf("JSON policy warning: %+v", w)
	}

	_, out, _ = checkCmd(t, "", "check", "--format", "sarif", typoPolicy)
	log, err := sarif.FromString(out)
	must(t, err)
	must(t, log.Validate())
	found := 0
	for _, res := range log.Runs[0].Results {
		if *res.RuleID != rulePolicyWarning {
			continue
		}
		found++
		loc := res.Locations[0].PhysicalLocation
		if res.Level != "warning" || *loc.Region.StartLine != stmtLine || !strings.HasSuffix(*loc.ArtifactLocation.URI, "brk-notaction-action-typo.json") || !strings.Contains(*res.Message.Text, "iam:EnableMFADevices") {
			t.Errorf("SARIF policy warning: level %s line %d %s: %s", res.Level, *loc.Region.StartLine, *loc.ArtifactLocation.URI, *res.Message.Text)
		}
	}
	if found != 1 {
		t.Errorf("%d SARIF policy-warning results, want 1", found)
	}

	_, out, _ = checkCmd(t, "", "check", "--format", "junit", typoPolicy)
	if !strings.Contains(out, "policy warning: "+typoPolicy+":"+itoa(stmtLine)+":5: Statement[8].NotAction[1]") {
		t.Errorf("JUnit system-out lacks the policy warning\n%s", out)
	}
}

// In a CloudFormation template the warning is at the statement's line in the
// template, and names the policy's logical id.
func TestCheckPolicyWarningsTemplate(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "stack.yaml")
	must(t, os.WriteFile(tmpl, []byte(`Resources:
  Deploy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Logs
            Effect: Allow
            Action: [logs:CreateLogStream, logs:PutLogEvent]
            Resource: "*"
`), 0o644))
	_, out, errs := checkCmd(t, "", "check", tmpl)
	want := "  policy warning: " + tmpl + ":8:13 (" + tmpl + `#Deploy): Statement[0].Action[1]: "logs:PutLogEvent" is not an action in the catalogue (did you mean "logs:PutLogEvents"?) (unknown-action)`
	if !strings.Contains(out, want) {
		t.Errorf("output lacks %q\n%s\n%s", want, out, errs)
	}
}

// A misspelt aws: condition key (corpus/examples/heldout/brk-key-typo.json) is
// never in a request: check names it with the key it meant, and so does eval.
func TestCheckUnknownGlobalKey(t *testing.T) {
	const keyTypo = "../../corpus/examples/heldout/brk-key-typo.json"
	want := `Statement[8].Condition.BoolIfExists.aws:MultiFactorAuthPresnt: "aws:MultiFactorAuthPresnt" is not a global condition key in the catalogue; a key AWS does not set is absent from every request (did you mean "aws:MultiFactorAuthPresent"?) (unknown-condition-key)`
	_, out, _ := checkCmd(t, "", "check", keyTypo)
	if !strings.Contains(out, "  policy warning: "+keyTypo+":") || !strings.Contains(out, want) {
		t.Errorf("check output lacks %q\n%s", want, out)
	}
	line := `{"id":"k","policies":{"identity":[{"$ref":"` + keyTypo + `"}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:GetUser","resource":"arn:aws:iam::111122223333:user/alice"}}`
	_, out, _ = checkCmd(t, line, "eval")
	if !strings.Contains(out, `did you mean \"aws:MultiFactorAuthPresent\"?`) {
		t.Errorf("eval's warnings lack the key's hint\n%s", out)
	}
}

// An example's stand-in for the account left in an ARN (corpus/examples/lint/
// placeholder-account.json) matches no real account: check warns about each
// one with its JSON path, and not about a real-shaped account, a pattern or a
// variable; eval's warnings have it too.
func TestCheckPlaceholderAccount(t *testing.T) {
	const pol = "../../corpus/examples/lint/placeholder-account.json"
	_, out, _ := checkCmd(t, "", "check", "--format", "json", pol)
	var rep struct {
		Policies []struct {
			PolicyWarnings []struct{ Code, Path, Message string } `json:"policyWarnings"`
		} `json:"policies"`
	}
	must(t, json.Unmarshal([]byte(out), &rep))
	var got []string
	for _, w := range rep.Policies[0].PolicyWarnings {
		if w.Code == "placeholder-account" {
			got = append(got, w.Path)
		}
	}
	want := []string{"Statement[0].Resource[0]", "Statement[0].Resource[1]", "Statement[0].Resource[2]"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("placeholder-account warnings at %q, want %q\n%s", got, want, out)
	}
	_, out, _ = checkCmd(t, "", "check", pol)
	if !strings.Contains(out, `Statement[0].Resource[1]: "arn:aws:iam::ACCOUNT-ID:user/${aws:username}": the account "ACCOUNT-ID" is not a 12-digit account id`) {
		t.Errorf("text output lacks the warning\n%s", out)
	}
	line := `{"id":"p","policies":{"identity":[{"$ref":"` + pol + `"}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::reports/alice/x"}}`
	_, out, _ = checkCmd(t, line, "eval")
	if !strings.Contains(out, "placeholder") || !strings.Contains(out, `the account \"xxxxxxxxxxxx\"`) {
		t.Errorf("eval's warnings lack the placeholder account\n%s", out)
	}
}
