package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

func runCmd(t testing.TB, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// TestEvalCorpus: eval over corpus/cases is itself a regression run.
func TestEvalCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../corpus/cases/*.jsonl")
	code, out, errs := runCmd(t, nil, append([]string{"eval"}, files...)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "0 failed") || strings.Count(out, "\n") < 150 {
		t.Errorf("summary: %s", errs)
	}
}

const aliceLine = `{"id":"%s","policies":{"identity":[{"$ref":"../../corpus/policies/000-aws-mfa-self-manage.json"}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:ChangePassword","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:MultiFactorAuthPresent":%q}}%s}`

// TestEvalLines: one result per line in order; a bad line gets an error line with
// its number and kind and the others go on; the exit status reports the failure.
func TestEvalLines(t *testing.T) {
	in := strings.Join([]string{
		fmt.Sprintf(aliceLine, "ok", "true", `,"expect":"allowed","unknownField":1`),
		`{"id":"bad-op","policies":{"identity":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BoolIfExist":{"aws:SecureTransport":"true"}}}}]},"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*"}}`,
		`{"id":"trunc","policies":{"identity":[{"Version":"2012-10-17"`,
		"",
		fmt.Sprintf(aliceLine, "nomfa", "false", `,"expect":"explicitDeny"`),
		`{"id":"session","policies":{"session":[]},"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:GetObject","resource":"*"}}`,
	}, "\n")
	code, out, _ := runCmd(t, strings.NewReader(in), "eval", "-")
	if code != exitFailures {
		t.Errorf("exit %d, want %d", code, exitFailures)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []struct{ id, decision, kind string }{{"ok", "allowed", ""}, {"bad-op", "", "unknown-operator"}, {"trunc", "", "syntax"}, {"nomfa", "explicitDeny", ""}, {"session", "", "invalid-element"}}
	if len(lines) != len(want) {
		t.Fatalf("%d result lines for %d cases:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		var r struct {
			ID, Decision, Error, ErrorKind string
			Line                           int
		}
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if r.ID != w.id || r.Decision != w.decision || r.ErrorKind != w.kind {
			t.Errorf("line %d: %s", i, lines[i])
		}
		if w.kind != "" && r.Line == 0 {
			t.Errorf("error line %d has no line number: %s", i, lines[i])
		}
	}
}

// TestEvalAssertionFails: a wrong expectation fails with the explanation.
func TestEvalAssertionFails(t *testing.T) {
	in := fmt.Sprintf(aliceLine, "wrong", "false", `,"expect":"allowed","source":"a test"`)
	code, _, errs := runCmd(t, strings.NewReader(in), "eval")
	if code != exitFailures || !strings.Contains(errs, "FAIL") || !strings.Contains(errs, "DenyAllExceptListedIfNoMFA") || !strings.Contains(errs, "1 failed") {
		t.Errorf("exit %d\n%s", code, errs)
	}
}

func TestEvalExplain(t *testing.T) {
	in := fmt.Sprintf(aliceLine, "x", "false", "")
	code, out, _ := runCmd(t, strings.NewReader(in), "eval", "--explain")
	for _, s := range []string{"explicitDeny", "DenyAllExceptListedIfNoMFA", "APPLIES", "BoolIfExists"} {
		if !strings.Contains(out, s) {
			t.Errorf("explanation lacks %q:\n%s", s, out)
		}
	}
	if code != exitOK {
		t.Errorf("exit %d", code)
	}
}

// hugeLine yields n bytes of one JSON string without a newline, then the rest.
type hugeLine struct {
	n    int64
	rest *strings.Reader
}

func (h *hugeLine) Read(p []byte) (int, error) {
	if h.n > 0 {
		k := min(int64(len(p)), h.n)
		for i := range p[:k] {
			p[i] = 'x'
		}
		h.n -= k
		return int(k), nil
	}
	return h.rest.Read(p)
}

// TestEvalGigabyteLine: a 1 GB line is reported and skipped in bounded memory, and
// the next line is decided.
func TestEvalGigabyteLine(t *testing.T) {
	in := &hugeLine{n: 1 << 30, rest: strings.NewReader("\n" + fmt.Sprintf(aliceLine, "after", "true", "") + "\n")}
	code, out, _ := runCmd(t, in, "eval")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitFailures || len(lines) != 2 || !strings.Contains(lines[0], "line-too-long") || !strings.Contains(lines[1], `"allowed"`) {
		t.Errorf("exit %d\n%.500s", code, out)
	}
}

func TestEvalMissingFile(t *testing.T) {
	code, _, errs := runCmd(t, nil, "eval", "no/such/file.jsonl")
	if code != exitUsage || !strings.Contains(errs, "no/such/file.jsonl") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// BenchmarkEval measures eval's throughput on a file whose policies repeat (the
// AWS self-manage policy inline on every line, as generated corpora look).
func BenchmarkEval(b *testing.B) {
	doc, err := os.ReadFile("../../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, doc)
	var in bytes.Buffer
	const n = 10000
	actions := []string{"iam:ChangePassword", "iam:GetUser", "s3:ListAllMyBuckets", "iam:EnableMFADevice"}
	mfas := []string{`,"context":{"aws:MultiFactorAuthPresent":"true"}`, `,"context":{"aws:MultiFactorAuthPresent":"false"}`, ``}
	for i := range n {
		fmt.Fprintf(&in, `{"id":"c%d","policies":{"identity":[%s]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":%q,"resource":"arn:aws:iam::111122223333:user/alice"%s}}`+"\n",
			i, compact.Bytes(), actions[i%len(actions)], mfas[i%len(mfas)])
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := run([]string{"eval"}, bytes.NewReader(data), io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkEvalDistinct measures eval on generated cases whose policies do not
// repeat (as held-back differential cases look): every line is parsed, linted and
// compiled before its one decision.
func BenchmarkEvalDistinct(b *testing.B) {
	var in bytes.Buffer
	const n = 2000
	for _, c := range gencase.Generate(1, n) {
		line, err := jsonv2.Marshal(c)
		if err != nil {
			b.Fatal(err)
		}
		in.Write(line)
		in.WriteByte('\n')
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := run([]string{"eval"}, bytes.NewReader(data), io.Discard, io.Discard); code != exitOK && code != exitFailures {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cases/s")
}

// TestEvalWarnsForEveryPolicyType: a typo gets the same warning in a policy of any
// type a case holds (an RCP's typo was once dropped), named by its reference.
func TestEvalWarnsForEveryPolicyType(t *testing.T) {
	stmt := `{"Effect":"Deny","Action":"s3:GetObjekt","Resource":"*"}`
	withPrincipal := `{"Effect":"Deny","Principal":"*","Action":"s3:GetObjekt","Resource":"*"}`
	var identityWarning string
	for _, typ := range model.CaseTypes() {
		doc := `{"Version":"2012-10-17","Statement":` + stmt + `}`
		if typ == model.ResourcePolicy || typ == model.RCPPolicy {
			doc = `{"Version":"2012-10-17","Statement":` + withPrincipal + `}`
		}
		var c model.Case
		if err := c.Policies.Add(model.PolicyRef{Type: typ}, jsontext.Value(doc)); err != nil {
			t.Fatal(err)
		}
		pol, err := jsonv2.Marshal(c.Policies)
		if err != nil {
			t.Fatal(err)
		}
		line := `{"id":"w","policies":` + string(pol) + `,"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*"}}`
		_, out, errs := runCmd(t, strings.NewReader(line), "eval", "-")
		var r struct{ Warnings []string }
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v: %s %s", typ, err, out, errs)
		}
		ref := model.PolicyRef{Type: typ}.String()
		if len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], ref+": ") {
			t.Errorf("%s: warnings %q, want one for %s", typ, r.Warnings, ref)
			continue
		}
		w := strings.TrimPrefix(r.Warnings[0], ref+": ")
		if typ == model.IdentityPolicy {
			identityWarning = w
		} else if w != identityWarning {
			t.Errorf("%s warns %q, an identity policy %q", typ, w, identityWarning)
		}
	}
}

// TestEvalIssue13: eval decides a role's trust policy (no Resource) and an AWS
// managed policy's ARN without a "cannot be the resource" warning, and notes a
// KMS key whose key policy the case does not give.
func TestEvalIssue13(t *testing.T) {
	lines := `{"id":"trust","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}],"resource":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/deploy"}}
{"id":"managed","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetPolicy","Resource":"*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"iam:GetPolicy","resource":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
{"id":"key","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"kms:Decrypt","resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}
`
	_, out, errs := runCmd(t, strings.NewReader(lines), "eval", "-")
	type result struct {
		ID       string
		Decision string
		Error    string
		Warnings []string
		Notes    []string
	}
	want := map[string]string{"trust": "implicitDeny", "managed": "allowed", "key": "allowed"}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s\n%s", err, line, errs)
		}
		n++
		if r.Error != "" || r.Decision != want[r.ID] || len(r.Warnings) > 0 {
			t.Errorf("%s: %+v, want %s without warnings", r.ID, r, want[r.ID])
		}
		if got := slices.Contains(r.Notes, "resource-policy-not-given"); got != (r.ID == "key") {
			t.Errorf("%s: notes %v", r.ID, r.Notes)
		}
	}
	if n != 3 {
		t.Fatalf("%d results:\n%s", n, out)
	}
}

// A case that gives no policies is decided (implicitDeny) with a warning: unknown
// fields are ignored, so a case that wrote "policy" for "policies" looked like a
// policy that denies.
func TestEvalWarnsCaseWithoutPolicies(t *testing.T) {
	req := `"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}`
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, out, _ := checkCmd(t, `{"id":"typo","policy":`+pol+`,`+req+"}\n"+`{"id":"ok","policies":{"identity":[`+pol+`]},`+req+"}\n", "eval")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"decision":"implicitDeny"`) || !strings.Contains(lines[0], `is \"policies\" misspelt?`) || strings.Contains(lines[1], "warnings") {
		t.Errorf("output:\n%s", out)
	}
}
