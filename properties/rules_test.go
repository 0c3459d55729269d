package properties

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const examplesDir = "../corpus/examples"

// Every rule kind has a worked example in corpus/examples/KIND: a spec, a policy
// that keeps it and one that breaks it (the planted bug). The harness must pass
// the first and catch the second with the kind's own error.
func TestWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		kind string
		want error
	}{
		{"never", ErrNever},
		{"only", ErrOnly},
		{"liveness", ErrLiveness},
		{"bundle", ErrNoEscalation},
	} {
		spec := filepath.Join(examplesDir, tc.kind, "spec.yaml")
		for _, f := range []string{"keeps.json", "breaks.json"} {
			tg, err := LoadTargetSpec(filepath.Join(examplesDir, tc.kind, f), spec)
			if err != nil {
				t.Fatal(err)
			}
			rep := runExample(t, tg)
			errs := rep.BySeverity(SeverityError)
			if f == "keeps.json" {
				if len(errs) != 0 {
					t.Errorf("%s/%s: %v", tc.kind, f, errs)
				}
				continue
			}
			if len(errs) == 0 || !errors.Is(errs[0], tc.want) {
				t.Errorf("%s/%s: want %v, got %v", tc.kind, f, tc.want, errs)
			}
		}
	}
}

func TestNeverContext(t *testing.T) {
	spec := mustSpec(t, `version: 1
never:
  - name: no uploads from outside
    actions: ["s3:PutObject"]
    resources: ["arn:aws:s3:::b/*"]
    mfa: without
    context: {aws:SourceIp: 198.51.100.7}
`)
	tg := textTarget(t, "p.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`, spec)
	ip := []ContextEntry{{"aws:SourceIp", model.Single("198.51.100.7")}}
	_, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", Context: ip})
	if len(vs) != 1 || !errors.Is(vs[0], ErrNever) || !strings.Contains(vs[0].Reason, `aws:SourceIp="198.51.100.7"`) {
		t.Fatalf("outside, no MFA: %v", vs)
	}
	// Another address, or with MFA, the rule does not speak about the request.
	for _, p := range []Probe{
		{Caller: user("", "alice"), Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", Context: []ContextEntry{{"aws:SourceIp", model.Single("203.0.113.1")}}},
		{Caller: user("", "alice"), Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", Context: append(withMFA[:len(withMFA):len(withMFA)], ip...)},
		{Caller: user("", "alice"), Action: "s3:PutObject", Resource: "arn:aws:s3:::c/k", Context: ip},
	} {
		if _, vs := judge(t, tg, p); len(vs) != 0 {
			t.Errorf("%+v: %v", p, vs)
		}
	}
}

func TestLivenessDenied(t *testing.T) {
	spec := mustSpec(t, `version: 1
liveness:
  - name: no deletes
    principal: user
    mfa: with
    expect: denied
    resource: arn:aws:s3:::b/k
    actions: [s3:DeleteObject]
`)
	allow := textTarget(t, "p.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, spec)
	_, vs := judge(t, allow, Probe{Caller: user("", "alice"), Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k", Context: withMFA})
	if len(vs) != 1 || !errors.Is(vs[0], ErrLiveness) || !strings.Contains(vs[0].Reason, "requires it to be denied") {
		t.Fatalf("allowed delete: %v", vs)
	}
	deny := textTarget(t, "p.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`, spec)
	if _, vs := judge(t, deny, Probe{Caller: user("", "alice"), Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k", Context: withMFA}); len(vs) != 0 {
		t.Fatalf("denied delete: %v", vs)
	}
}

func mustSpec(t *testing.T, text string) *Spec {
	t.Helper()
	s, err := ParseSpec([]byte(text), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRuleSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		kind error
		want string // in the message
	}{
		{"version: 1\nnevr: []\n", ErrSpecUnknownKey, `test.yaml:2:1: nevr: unknown key "nevr" (did you mean "never"?)`},
		{"version: 1\nonly:\n  allow:\n    - actions: [s3:GetObjekt]\n", ErrSpecUnknownAction, "test.yaml:4:17: only.allow[0].actions[0]: \"s3:GetObjekt\" is not an action in the AWS action catalogue (did you mean s3:GetObject?)"},
		{"version: 1\nnever:\n  - name: a\n    actions: [s3:GetObject]\n    context: {aws:username: bob}\n", ErrSpecInvalidValue, "derived from the principal"},
		{"version: 1\nnever:\n  - name: a\n    actions: [s3:GetObject]\n    resources: [bucket]\n", ErrSpecInvalidValue, "not an ARN pattern"},
		{"version: 1\nno-escalation: yes please\n", ErrSpecInvalidValue, "expected true or false"},
		{"version: 1\nno-escalation: true\npolicies:\n  boundry: b.json\n", ErrSpecUnknownKey, `did you mean "boundary"?`},
		{"version: 1\nno-escalation: true\npolicies:\n  resource:\n    - file: r.json\n", ErrSpecMissingKey, "attached-to"},
		{"version: 1\nliveness:\n  - name: a\n    principal: user\n    mfa: with\n    expect: denyed\n    resource: \"*\"\n    actions: [s3:ListAllMyBuckets]\n", ErrSpecInvalidValue, `"denyed" is not one of: allowed, not-explicit-deny, denied`},
	} {
		_, err := ParseSpec([]byte(tc.text), "test.yaml")
		if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v (want %v, %q)", tc.text, err, tc.kind, tc.want)
		}
	}
}
