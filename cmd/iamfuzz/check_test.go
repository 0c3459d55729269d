package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

const corpusPolicies = "../../corpus/policies"

// checkCmd runs the command line and returns its exit status, stdout and stderr.
func checkCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func policy(name string) string { return filepath.Join(corpusPolicies, name) }

// The seed corpus: AWS's examples are proved (with the pathed-user warning), 001
// fails mfa-gate, 003 fails liveness and shows the GetSessionToken note.
func TestCheckCorpusText(t *testing.T) {
	code, out, errs := checkCmd(t, "", "check", corpusPolicies)
	if code != exitFailures {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
	}
	if errs != "" {
		t.Errorf("stderr is not a terminal, so no progress: %q", errs)
	}
	for _, want := range []string{
		"iamfuzz check: proof engine (one request of every class of requests), 5 policy files",
		"reproduce: iamfuzz check ../../corpus/policies",
		"PROVED ../../corpus/policies/000-aws-mfa-self-manage.json",
		"proved over ",
		"22091 catalogue actions in 15 groups",
		"FAIL ../../corpus/policies/001-self-manage-no-mfa.json",
		"PROVED ../../corpus/policies/002-aws-mfa-self-manage-zh.json",
		"FAIL ../../corpus/policies/003-blog-self-manage-mfa.json",
		"PROVED ../../corpus/policies/004-aws-mfa-device-only.json",
		"spec: built-in default (self-manage credentials, modelled on AWS's example)",
		"violation [mfa-gate] allow-without-mfa",
		"by statement AllowAllUsersToListAccounts; it is not in the MFA allow-list",
		`violation [liveness] set up MFA without MFA (own user)`,
		"on your own user without MFA",
		"note [liveness]",
		"denied by policy logic, not enforced by AWS",
		"warning (documented limitation) [liveness] users with a path manage own credentials with MFA",
		"(${aws:username} is the user name without its path)",
		"statement: BlockMostAccessUnlessSignedInWithMFA (Deny, statement 6) at ../../corpus/policies/003-blog-self-manage-mfa.json:66:5",
		"| iamfuzz eval --explain",
		"5 policy files: 3 proved, 2 fail, 0 unknown;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

type jsonOut struct {
	Engine   string `json:"engine"`
	Seed     uint64 `json:"seed"`
	Checks   int    `json:"checks"`
	Policies []struct {
		Path, Verdict, Error, Spec string
		DefaultSpec                bool
		Invariants                 []string
		Violations, Warnings       []jsonFinding
		Notes                      []jsonFinding
	} `json:"policies"`
}

type jsonFinding struct {
	Invariant, Severity, Rule, Decision, Reason, Replay string
	Request                                             map[string]any
	Statement                                           *struct {
		Index, Line, Column int
		Sid                 string
		Decided             bool
	}
	Also []string
	Case json.RawMessage
}

func TestCheckJSON(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", policy("003-blog-self-manage-mfa.json"), policy("000-aws-mfa-self-manage.json"), "--format", "json", "--seed", "7", "--checks", "3000")
	if code != exitFailures {
		t.Fatalf("exit %d", code)
	}
	var r jsonOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Both proofs are exact: no random request was drawn, so the seed and the
	// checks are left out rather than printed as if they meant something.
	if r.Engine != "proof" || r.Seed != 0 || r.Checks != 0 || len(r.Policies) != 2 || strings.Contains(out, `"seed"`) {
		t.Fatalf("%+v", r)
	}
	blog, aws := r.Policies[0], r.Policies[1]
	if blog.Verdict != "fail" || !blog.DefaultSpec || blog.Spec != "" || len(blog.Invariants) != 3 {
		t.Errorf("003: %+v", blog)
	}
	if aws.Verdict != "proved" || aws.Spec == "" || len(aws.Violations) != 0 || len(aws.Warnings) != 1 {
		t.Errorf("000: %+v", aws)
	}
	var getUser *jsonFinding
	for i, v := range blog.Violations {
		// The proof engine reports one action of a class and lists the
		// others of it as also.
		if v.Request["action"] == "iam:GetUser" || slices.Contains(v.Also, "iam:GetUser") {
			getUser = &blog.Violations[i]
		}
	}
	if getUser == nil || getUser.Invariant != "liveness" || getUser.Decision != "explicitDeny" || getUser.Statement == nil ||
		getUser.Statement.Sid != "BlockMostAccessUnlessSignedInWithMFA" || getUser.Statement.Line != 66 || !getUser.Statement.Decided {
		t.Fatalf("GetUser violation: %+v", blog.Violations)
	}
	if len(blog.Notes) != 1 || blog.Notes[0].Request["action"] != "sts:GetSessionToken" {
		t.Errorf("notes: %+v", blog.Notes)
	}
	// The case (one line once compacted, as jq -c prints it) replays through
	// eval, which confirms the decision.
	var line bytes.Buffer
	must(t, json.Compact(&line, getUser.Case))
	code, evalOut, evalErr := checkCmd(t, line.String()+"\n", "eval", "--explain")
	if code != exitOK || !strings.Contains(evalOut, "decision: explicitDeny") || !strings.Contains(evalErr, "1 passed, 0 failed") {
		t.Errorf("replay: exit %d\n%s\n%s", code, evalOut, evalErr)
	}
	if !strings.HasPrefix(getUser.Replay, "echo '") || !strings.HasSuffix(getUser.Replay, "' | iamfuzz eval --explain") {
		t.Errorf("replay line %q", getUser.Replay)
	}
}

// The same seed and budget give the same report.
func TestCheckReproducible(t *testing.T) {
	args := []string{"check", "--format", "json", "--seed", "99", "--checks", "2000", corpusPolicies}
	_, a, _ := checkCmd(t, "", args...)
	_, b, _ := checkCmd(t, "", args...)
	strip := regexp.MustCompile(`"elapsedMs": \d+,`)
	if strip.ReplaceAllString(a, "") != strip.ReplaceAllString(b, "") {
		t.Fatal("two runs with the same seed differ")
	}
}

func TestCheckSARIF(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "--format", "sarif", "--seed", "3", "--checks", "2000", policy("003-blog-self-manage-mfa.json"), policy("001-self-manage-no-mfa.json"))
	if code != exitFailures {
		t.Fatalf("exit %d", code)
	}
	rep, err := sarif.FromString(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	if rep.Version != "2.1.0" || len(rep.Runs) != 1 || len(rep.Runs[0].Tool.Driver.Rules) != len(sarifRules) {
		t.Fatalf("shape: %s", out[:200])
	}
	levels := map[string]int{}
	found := false
	for _, res := range rep.Runs[0].Results {
		if *res.RuleID != rulePolicyWarning { // 001 names two SMS MFA actions AWS retired (TestCheckPolicyWarnings)
			levels[res.Level]++
		}
		loc := res.Locations[0].PhysicalLocation
		if *res.RuleID == "liveness" && res.Level == "error" && strings.HasSuffix(*loc.ArtifactLocation.URI, "003-blog-self-manage-mfa.json") {
			found = *loc.Region.StartLine == 66 && strings.Contains(*res.Message.Text, `liveness rule "set up MFA without MFA (own user)"`)
		}
		if len(res.PartialFingerprints) != 1 {
			t.Errorf("result without a fingerprint")
		}
	}
	if !found || levels["error"] < 2 || levels["warning"] != 2 || levels["note"] != 1 {
		t.Errorf("results: found=%v levels=%v", found, levels)
	}
}

// Bad input exits 2 with an error naming the file, the JSON path and the reason;
// the other policies are still checked.
func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	must(t, os.WriteFile(bad, []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allw\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}\n"), 0o644))
	code, out, _ := checkCmd(t, "", "check", "--checks", "500", bad, policy("000-aws-mfa-self-manage.json"))
	if code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(out, "ERROR "+bad+": cannot be checked") || !regexp.MustCompile(regexp.QuoteMeta(bad)+`:3:\d+: Statement\[0\]\.Effect: .*\(invalid-effect\)`).MatchString(out) {
		t.Errorf("error report:\n%s", out)
	}
	if !strings.Contains(out, "PROVED ../../corpus/policies/000-aws-mfa-self-manage.json") {
		t.Errorf("the good policy was not checked:\n%s", out)
	}
	code, out, _ = checkCmd(t, "", "check", "--format", "json", "--checks", "500", bad)
	if code != exitUsage || !strings.Contains(out, `"verdict": "error"`) || !strings.Contains(out, "Statement[0].Effect") {
		t.Errorf("JSON error report: %d\n%s", code, out)
	}

	// A malformed spec beside the policy: file, YAML path, line and reason.
	pol := filepath.Join(dir, "p.json")
	data, err := os.ReadFile(policy("000-aws-mfa-self-manage.json"))
	must(t, err)
	must(t, os.WriteFile(pol, data, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "p.spec.yaml"), []byte("version: 1\nmfa-gate:\n  allow-without-mfa: [iam:GetUsr]\n"), 0o644))
	code, out, _ = checkCmd(t, "", "check", pol)
	if code != exitUsage || !strings.Contains(out, "p.spec.yaml:3:23: mfa-gate.allow-without-mfa[0]: \"iam:GetUsr\" is not an action in the AWS action catalogue (did you mean iam:GetUser?)") {
		t.Errorf("spec error: %d\n%s", code, out)
	}
	for _, args := range [][]string{{"check"}, {"check", "--format", "xml", pol}, {"check", filepath.Join(dir, "missing.json")}, {"check", "--spec", filepath.Join(dir, "missing.yaml"), pol}} {
		if code, _, _ := checkCmd(t, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// Policies that keep their invariants exit 0; --spec overrides the convention.
func TestCheckPassAndSpecFlag(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "--checks", "2000", policy("000-aws-mfa-self-manage.json"), policy("004-aws-mfa-device-only.json"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// 004's spec has no exception for iam:CreateVirtualMFADevice on any device
	// name, and AWS's full example allows it on mfa/*: under that spec, alice
	// may create bob's device.
	code, out, _ = checkCmd(t, "", "check", "--checks", "2000", "--spec", "../../corpus/specs/004-aws-mfa-device-only.yaml", policy("000-aws-mfa-self-manage.json"))
	if code != exitFailures || !strings.Contains(out, "spec: ../../corpus/specs/004-aws-mfa-device-only.yaml") ||
		!strings.Contains(out, "violation [owner-only]") || !strings.Contains(out, "iam:CreateVirtualMFADevice on arn:aws:iam::111122223333:mfa/") {
		t.Errorf("--spec: exit %d\n%s", code, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// --time bounds a policy's run; the report says the limit was reached.
// The limit is far below what a proof of AWS's example costs on any machine
// (thousands of classes), so the proof stops unfinished and the sampler behind
// it reaches the limit before its 10^8 checks. With 20 ms the test depended on
// the machine: the proof now takes 40-70 ms, and a faster one would be proved.
func TestCheckTimeLimit(t *testing.T) {
	code, out, _ := checkCmd(t, "", "check", "--time", "1ms", "--checks", "100000000", policy("000-aws-mfa-self-manage.json"))
	if code != exitOK || !strings.Contains(out, "(time limit reached)") || !strings.Contains(out, "(at most 1ms each)") || !strings.Contains(out, "UNKNOWN") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// A role trust policy has no Resource (the role is the resource): check accepts it
// as valid and skips it, since the invariants concern identity policies; the same
// document with a Resource is a bad trust policy and a bad identity policy. A
// bucket's policy is skipped likewise.
func TestCheckTrustPolicy(t *testing.T) {
	dir := t.TempDir()
	trust := filepath.Join(dir, "trust.json")
	must(t, os.WriteFile(trust, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`), 0o644))
	code, out, _ := checkCmd(t, "", "check", "--checks", "200", trust, policy("000-aws-mfa-self-manage.json"))
	if code != exitOK || !strings.Contains(out, "SKIP "+trust+": a valid role trust policy") || !strings.Contains(out, "1 skipped") {
		t.Errorf("trust policy: exit %d\n%s", code, out)
	}
	code, out, _ = checkCmd(t, "", "check", "--format", "json", "--checks", "10", trust)
	if code != exitOK || !strings.Contains(out, `"verdict": "skipped"`) {
		t.Errorf("JSON: exit %d\n%s", code, out)
	}
	code, out, _ = checkCmd(t, "", "check", "--format", "sarif", "--checks", "10", trust)
	if code != exitOK || !strings.Contains(out, "a valid role trust policy") {
		t.Errorf("SARIF: exit %d\n%s", code, out)
	}
	bad := filepath.Join(dir, "bad-trust.json")
	must(t, os.WriteFile(bad, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Resource":"*"}]}`), 0o644))
	if code, out, _ := checkCmd(t, "", "check", "--checks", "10", bad); code != exitUsage {
		t.Errorf("a trust policy with Resource: exit %d, want 2\n%s", code, out)
	}
	// A bucket policy file among identity policies is skipped as in a template, not
	// "a identity policy must not name a Principal" and exit 2 for the whole run.
	bucket := filepath.Join(dir, "bucket.json")
	must(t, os.WriteFile(bucket, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}`), 0o644))
	code, out, _ = checkCmd(t, "", "check", bucket, policy("000-aws-mfa-self-manage.json"))
	if code != exitOK || !strings.Contains(out, "SKIP "+bucket+": a valid resource-based policy") || !strings.Contains(out, "--resource-policy FILE=ARN") {
		t.Errorf("a bucket policy file: exit %d\n%s", code, out)
	}
}

// --strict turns an unknown verdict (here: the sample engine, which never proves)
// into exit 1; a proved policy still exits 0 under it.
func TestCheckStrictFailsUnknown(t *testing.T) {
	args := []string{"check", "--engine", "sample", "--checks", "200", policy("000-aws-mfa-self-manage.json")}
	if code, out, _ := checkCmd(t, "", args...); code != exitOK || !strings.Contains(out, "1 unknown") {
		t.Fatalf("without --strict: exit %d\n%s", code, out)
	}
	if code, out, _ := checkCmd(t, "", append([]string{"check", "--strict"}, args[1:]...)...); code != exitFailures {
		t.Errorf("--strict, unknown verdict: exit %d, want %d\n%s", code, exitFailures, out)
	}
	if code, out, _ := checkCmd(t, "", "check", "--strict", policy("000-aws-mfa-self-manage.json")); code != exitOK {
		t.Errorf("--strict, proved: exit %d, want %d\n%s", code, exitOK, out)
	}
}

// A statement without a Sid is named by its index once, not "statement 1
// (statement 1)" (corpus/examples/heldout/eq-no-sids.json: its pathed-user
// warning's nearest statement; namesplit/never-admin-home.json: a deciding one).
func TestCheckStatementWithoutSid(t *testing.T) {
	noSids := "../../corpus/examples/heldout/eq-no-sids.json"
	never := "../../corpus/examples/namesplit/never-admin-home.json"
	_, out, errs := checkCmd(t, "", "check", noSids, never)
	for _, want := range []string{
		"statement: none allows it; nearest is statement 1 at " + noSids + ":12:5: it allows iam:ChangePassword",
		"statement: statement 0 (Allow) at " + never + ":1:38",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "(statement 1)") || strings.Contains(out, "statement 0 (Allow, statement 0)") {
		t.Errorf("a statement without a Sid is named twice\n%s%s", out, errs)
	}
}

// A run's seed and checks are reported only when random requests were drawn:
// always with --engine sample, in a proof run only after an unknown proof
// (Target.Check samples then), and the reproduce line then carries them.
func TestCheckSeedOnlyWhenSampled(t *testing.T) {
	unknown := "../../corpus/examples/managed/unknown.template.yaml"
	for _, c := range []struct {
		name    string
		args    []string
		sampled bool
	}{
		{"exact proof", []string{policy("000-aws-mfa-self-manage.json")}, false},
		{"unknown proof", []string{unknown}, true},
		{"sample", []string{"--engine", "sample", policy("000-aws-mfa-self-manage.json")}, true},
	} {
		args := append([]string{"check", "--seed", "5", "--checks", "700", "--format", "json"}, c.args...)
		_, out, _ := checkCmd(t, "", args...)
		var r struct {
			Engine    string
			Seed      *uint64
			Checks    *int
			Reproduce string
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, out)
		}
		seeded := strings.Contains(r.Reproduce, "--seed 5 --checks 700")
		if c.sampled != (r.Seed != nil && *r.Seed == 5 && r.Checks != nil && *r.Checks == 700) || c.sampled != seeded {
			t.Errorf("%s: engine %s seed %v checks %v reproduce %q; sampled %v", c.name, r.Engine, r.Seed, r.Checks, r.Reproduce, c.sampled)
		}
		args[len(args)-len(c.args)-1] = "junit"
		_, out, _ = checkCmd(t, "", args...)
		if c.sampled != strings.Contains(out, `<property name="seed" value="5">`) || c.sampled != strings.Contains(out, `<property name="checks" value="700">`) {
			t.Errorf("%s: junit properties\n%s", c.name, out)
		}
	}
}
