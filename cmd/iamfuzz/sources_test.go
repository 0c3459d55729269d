package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

const (
	corpusSources = "../../corpus/sources"
	srcTemplate   = corpusSources + "/self-manage.template.yaml"
	srcPlan       = corpusSources + "/self-manage.plan.json"
)

// lineOf is the 1-based line of the first line of file containing s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	must(t, err)
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s lacks %q", file, s)
	return 0
}

// The CloudFormation template's broken policy (corpus/policies/001's shape) fails
// mfa-gate at the template's own line; the Terraform plan's (003's shape, two
// modules deep) fails liveness, named by its plan address.
func TestCheckSourcesText(t *testing.T) {
	code, out, errs := checkCmd(t, "", "check", "--seed", "3", "--checks", "3000", corpusSources)
	if code != exitFailures {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	listLine := lineOf(t, srcTemplate, "- Sid: AllowAllUsersToListAccounts")
	for _, want := range []string{
		"PROVED " + srcTemplate + "#SelfManageWithMFA",
		"FAIL " + srcTemplate + "#Developers.Policies[0]",
		"SKIP " + srcTemplate + "#DeployRole.AssumeRolePolicyDocument",
		"source note: AWS::AccountId is 111122223333",
		"violation [mfa-gate] allow-without-mfa",
		"statement: AllowAllUsersToListAccounts (Allow, statement 0) at " + srcTemplate + ":" + itoa(listLine) + ":17",
		"FAIL " + srcPlan + "#module.iam.module.users.aws_iam_policy.self_manage",
		"SKIP " + srcPlan + "#aws_iam_role.app.assume_role_policy",
		// The general default's invariants are not the MFA ones: name none.
		"SKIP " + srcPlan + "#aws_s3_bucket_policy.logs: a resource policy: validated; the invariants concern what identity policies allow (eval decides it in cases)",
		"violation [liveness] set up MFA without MFA (own user)",
		"statement: BlockMostAccessUnlessSignedInWithMFA (Deny, statement 6) in " + srcPlan + "#module.iam.module.users.aws_iam_policy.self_manage",
		"3 skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestCheckSourcesJSON(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "--format", "json", "--seed", "3", "--checks", "3000", srcTemplate, srcPlan)
	if code != exitFailures {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Policies []struct {
			Path, Verdict, Skipped string
			Source                 *struct {
				File, Format, ID, Kind string
				Notes                  []string
			}
			Violations []jsonFinding
		}
	}
	must(t, json.Unmarshal([]byte(out), &r))
	got := map[string]int{}
	for i, p := range r.Policies {
		got[p.Path] = i
	}
	dev, ok := got[srcTemplate+"#Developers.Policies[0]"]
	if !ok {
		t.Fatalf("policies: %v", got)
	}
	p := r.Policies[dev]
	if p.Verdict != "fail" || p.Source == nil || p.Source.Format != "cloudformation" || p.Source.ID != "Developers.Policies[0]" || p.Source.File != srcTemplate {
		t.Errorf("template policy: %+v", p)
	}
	listLine := lineOf(t, srcTemplate, "- Sid: AllowAllUsersToListAccounts")
	found := false
	for _, v := range p.Violations {
		if v.Invariant == "mfa-gate" && v.Statement != nil && v.Statement.Sid == "AllowAllUsersToListAccounts" {
			found = true
			if v.Statement.Line != listLine || v.Statement.Column != 17 {
				t.Errorf("statement at %d:%d, want %d:17", v.Statement.Line, v.Statement.Column, listLine)
			}
			// The replay case names the policy by template and logical id, and eval
			// reads it through the same extraction.
			var line bytes.Buffer
			must(t, json.Compact(&line, v.Case))
			if !strings.Contains(line.String(), `"$ref":"`+srcTemplate+`#Developers.Policies[0]"`) {
				t.Errorf("case %s", line.String())
			}
			code, evalOut, evalErr := checkCmd(t, line.String()+"\n", "eval")
			if code != exitOK || !strings.Contains(evalErr, "1 passed, 0 failed") {
				t.Errorf("replay: exit %d\n%s\n%s", code, evalOut, evalErr)
			}
		}
	}
	if !found {
		t.Errorf("no mfa-gate violation at AllowAllUsersToListAccounts: %+v", p.Violations)
	}
	mod := r.Policies[got[srcPlan+"#module.iam.module.users.aws_iam_policy.self_manage"]]
	if mod.Verdict != "fail" || mod.Source == nil || mod.Source.Format != "terraform-plan" || len(mod.Violations) == 0 || mod.Violations[0].Invariant != "liveness" {
		t.Errorf("plan policy: %+v", mod)
	}
	if tr := r.Policies[got[srcPlan+"#aws_iam_role.app.assume_role_policy"]]; tr.Verdict != "skipped" || tr.Source.Kind != "trust" {
		t.Errorf("trust policy: %+v", tr)
	}
}

// check - reads a template from standard input; a folder with only a
// package.json is bad input, but one with a package.json beside policies is not.
func TestCheckStdinAndFolders(t *testing.T) {
	tmpl, err := os.ReadFile(srcTemplate)
	must(t, err)
	code, out, _ := checkCmd(t, string(tmpl), "check", "--seed", "1", "--checks", "500", "-")
	if code != exitFailures || !strings.Contains(out, "FAIL -#Developers.Policies[0]") {
		t.Errorf("stdin: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"x","version":"1.0.0"}`), 0o644))
	if code, out, errs := checkCmd(t, "", "check", dir); code != exitUsage || !strings.Contains(errs, "no policy files") {
		t.Errorf("only a package.json: exit %d\n%s%s", code, out, errs)
	}
	pol, err := os.ReadFile(policy("000-aws-mfa-self-manage.json"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "self-manage.json"), pol, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "self-manage.spec.yml"), []byte("version: 1\nmfa-gate:\n  allow-without-mfa: [iam:GetUser]\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "vendored"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "vendored", "x.json"), []byte(`{"Statement":[`), 0o644))
	code, out, errs := checkCmd(t, "", "check", "--seed", "1", "--checks", "500", "--exclude", "vendored", dir)
	if code != exitFailures || !strings.Contains(out, "1 policy file:") || !strings.Contains(out, "self-manage.spec.yml") {
		t.Errorf("package.json beside a policy with a .spec.yml: exit %d\n%s%s", code, out, errs)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// SARIF for code scanning: URIs relative to the repository root (%SRCROOT%), the
// template's finding at the template's line, the plan's finding at the plan with
// its address as logical location, rules with help markdown and
// security-severity, and a malformed policy at its own line.
func TestCheckSourcesSARIF(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	must(t, os.WriteFile(bad, []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allw\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}\n"), 0o644))
	code, out, _ := checkCmd(t, "", "check", "--format", "sarif", "--seed", "3", "--checks", "2000", srcTemplate, srcPlan, bad)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2 (one input is malformed)", code)
	}
	rep, err := sarif.FromString(out)
	must(t, err)
	if err := rep.Validate(); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	run := rep.Runs[0]
	if run.Tool.Driver.Version == nil || *run.Tool.Driver.Version == "" {
		t.Errorf("no tool version")
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help == nil || r.Help.Markdown == nil || !strings.Contains(*r.Help.Markdown, "How to fix") ||
			r.Properties == nil || r.Properties.Properties["security-severity"] == nil || len(r.Properties.Tags) == 0 {
			t.Errorf("rule %s lacks help markdown, security-severity or tags", *r.ID)
		}
	}
	if _, ok := run.OriginalUriBaseIds["%SRCROOT%"]; !ok {
		t.Errorf("no %%SRCROOT%% base")
	}
	listLine := lineOf(t, srcTemplate, "- Sid: AllowAllUsersToListAccounts")
	var tmpl, plan, invalid bool
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		uri, base, line := *loc.ArtifactLocation.URI, "", 0
		if loc.ArtifactLocation.URIBaseID != nil {
			base = *loc.ArtifactLocation.URIBaseID
		}
		if loc.Region != nil && loc.Region.StartLine != nil {
			line = *loc.Region.StartLine
		}
		switch {
		case *res.RuleID == "mfa-gate" && uri == "corpus/sources/self-manage.template.yaml" && base == "%SRCROOT%" && line == listLine:
			tmpl = true
		case *res.RuleID == "liveness" && uri == "corpus/sources/self-manage.plan.json" && base == "%SRCROOT%" &&
			len(res.Locations[0].LogicalLocations) == 1 && *res.Locations[0].LogicalLocations[0].FullyQualifiedName == "module.iam.module.users.aws_iam_policy.self_manage":
			plan = true
		case *res.RuleID == "invalid-policy" && strings.HasSuffix(uri, "/bad.json") && line == 4 && strings.Contains(*res.Message.Text, "invalid-effect"):
			invalid = true
		}
	}
	if !tmpl || !plan || !invalid {
		t.Errorf("template finding at its line %v, plan finding by address %v, malformed policy at line 4 %v\n%s", tmpl, plan, invalid, out)
	}
}

// --format junit: one test case per policy, a failure per violation, skipped
// trust and bucket policies, parsable XML.
func TestCheckJUnit(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "--format", "junit", "--seed", "3", "--checks", "2000", srcTemplate, srcPlan)
	if code != exitFailures {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	must(t, xml.Unmarshal([]byte(out), &doc))
	if doc.Tests != 6 || doc.Failures != 2 || doc.Skipped != 3 {
		t.Errorf("tests %d failures %d skipped %d, want 6, 2, 3\n%s", doc.Tests, doc.Failures, doc.Skipped, out)
	}
	for _, c := range doc.Suites[0].Cases {
		if c.Name == srcTemplate+"#Developers.Policies[0]" && (len(c.Failures) == 0 || c.Failures[0].Type != "mfa-gate") {
			t.Errorf("template case: %+v", c)
		}
	}
}

// A template's identity policy is attached in the stack's account: the proof
// enumerates the classes of other accounts' callers too but decides none. The
// coverage line and the JSON say how many classes were decided and how many were
// out of scope, so that "proved over N classes" beside "M requests decided" adds
// up; a policy any account's principals may hold has none out of scope.
func TestCheckCoverageOutOfScope(t *testing.T) {
	const id = srcTemplate + "#SelfManageWithMFA"
	code, out, _ := checkCmd(t, "", "check", "--format", "json", srcTemplate, policy("000-aws-mfa-self-manage.json"))
	if code != exitFailures {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Policies []struct {
			Path, Verdict string
			Requests      int
			Coverage      *struct {
				Classes, DecidedClasses, OutOfScopeClasses int
				Scope                                      string
			}
		}
	}
	must(t, json.Unmarshal([]byte(out), &r))
	seen := 0
	for _, p := range r.Policies {
		c := p.Coverage
		switch p.Path {
		case id:
			seen++
			if c == nil || p.Verdict != "proved" || c.OutOfScopeClasses == 0 || c.DecidedClasses != p.Requests ||
				c.DecidedClasses+c.OutOfScopeClasses != c.Classes || !strings.Contains(c.Scope, "outside account 111122223333") {
				t.Errorf("%s: %s, %d requests, coverage %+v", p.Path, p.Verdict, p.Requests, c)
			}
		case policy("000-aws-mfa-self-manage.json"):
			seen++
			if c == nil || c.OutOfScopeClasses != 0 || c.DecidedClasses != c.Classes || c.Scope != "" {
				t.Errorf("%s: coverage %+v", p.Path, c)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("policies: %+v", r.Policies)
	}
	_, text, _ := checkCmd(t, "", "check", srcTemplate)
	if !regexp.MustCompile(`proved over \d+ classes \(\d+ decided, \d+ out of scope\): .*\n  out of scope: \d+ classes of callers outside account 111122223333, who cannot hold the policy`).MatchString(text) {
		t.Errorf("the coverage line does not say what was decided and what was out of scope:\n%s", text)
	}
}

// A template or plan holds several policies: the run counts policies and files,
// "6 policies in 2 files", not "6 policy files" for two files.
func TestCheckCountsPoliciesAndFiles(t *testing.T) {
	_, out, _ := checkCmd(t, "", "check", srcTemplate, srcPlan)
	if !strings.Contains(out, "), 6 policies in 2 files\n") || !strings.Contains(out, "\n6 policies in 2 files: 1 proved, 2 fail, 0 unknown, 3 skipped;") {
		t.Errorf("the counts:\n%s", out)
	}
}
