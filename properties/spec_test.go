package properties

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const policiesDir = "../corpus/policies"

func readPolicy(t *testing.T, name string) *model.Policy {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(policiesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Parse(data, model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The default spec's allow-list is the NotAction list of AWS's example, then
// what AWS's pages allow besides (docs/semantics.md §8.3): the first-sign-in
// password reset of the example's Note and the API-only MFA example's iam:ListUsers.
func TestDefaultSpecMatchesAWSExample(t *testing.T) {
	s := DefaultSpec()
	if !s.Default || s.File != "" {
		t.Fatalf("default spec: Default=%v File=%q", s.Default, s.File)
	}
	if got := s.Invariants(); !slices.Equal(got, []string{InvMFAGate, InvOwnerOnly, InvLiveness}) {
		t.Fatalf("invariants %v", got)
	}
	p := readPolicy(t, "000-aws-mfa-self-manage.json")
	var notAction []string
	for _, st := range p.Statements {
		if st.Effect == "Deny" && st.NotAction != nil {
			notAction = st.NotAction.Values
		}
	}
	notAction = append(notAction, "iam:ChangePassword", "iam:GetAccountPasswordPolicy", "iam:ListUsers")
	if !slices.Equal(s.MFAGate.AllowWithoutMFA, notAction) {
		t.Fatalf("allow-list %v, want the example's NotAction %v", s.MFAGate.AllowWithoutMFA, notAction)
	}
	if len(s.OwnerOnly.Exceptions) != 1 || s.OwnerOnly.Exceptions[0].Reason == "" ||
		!s.OwnerOnly.Exceptions[0].Covers("iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/anything-at-all") ||
		s.OwnerOnly.Exceptions[0].Covers("iam:DeleteVirtualMFADevice", "arn:aws:iam::111122223333:mfa/bob") {
		t.Fatalf("exceptions %+v", s.OwnerOnly.Exceptions)
	}
	// Every credential action the example grants on user/${aws:username} is required
	// with MFA.
	var withMFA *LivenessRule
	for _, r := range s.Liveness {
		if r.Principal == ShapeUser && r.MFA == MFAWith && r.Expect == ExpectAllowed && strings.Contains(r.Resource.Text, ":user/") {
			withMFA = r
		}
	}
	if withMFA == nil {
		t.Fatal("no with-MFA liveness rule")
	}
	for _, st := range p.Statements {
		if st.Effect != "Allow" || st.Resource == nil || st.Resource.Values[0] != "arn:aws:iam::*:user/${aws:username}" {
			continue
		}
		for _, a := range st.Action.Values {
			if !slices.Contains(withMFA.Actions, a) {
				t.Errorf("%s is granted on the user's own ARN by the example but not required by liveness", a)
			}
		}
	}
}

func TestCorpusSpecsParse(t *testing.T) {
	files, err := filepath.Glob("../corpus/specs/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("spec files: %v %v", files, err)
	}
	for _, f := range files {
		s, err := LoadSpec(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		policy := filepath.Join(policiesDir, strings.TrimSuffix(filepath.Base(f), ".yaml")+".json")
		if _, err := os.Stat(policy); err != nil {
			t.Errorf("%s has no policy %s", f, policy)
		}
		if got, _ := FindSpec(policy); got != filepath.Join(policiesDir, "..", "specs", filepath.Base(f)) {
			t.Errorf("FindSpec(%s) = %q", policy, got)
		}
		if len(s.Invariants()) != 3 {
			t.Errorf("%s checks %v", f, s.Invariants())
		}
	}
}

func TestFindSpecConvention(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policies", "p.json")
	must(t, os.MkdirAll(filepath.Dir(pol), 0o755))
	must(t, os.WriteFile(pol, []byte(`{}`), 0o644))
	if got, err := FindSpec(pol); err != nil || got != "" {
		t.Fatalf("no spec: %q %v", got, err)
	}
	corpus := filepath.Join(dir, "specs", "p.yaml")
	must(t, os.MkdirAll(filepath.Dir(corpus), 0o755))
	must(t, os.WriteFile(corpus, []byte("x"), 0o644))
	if got, _ := FindSpec(pol); got != filepath.Join(dir, "policies", "..", "specs", "p.yaml") {
		t.Fatalf("corpus layout: %q", got)
	}
	beside := filepath.Join(dir, "policies", "p.spec.yaml")
	must(t, os.WriteFile(beside, []byte("x"), 0o644))
	if got, _ := FindSpec(pol); got != beside {
		t.Fatalf("beside the policy wins: %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Spec errors name the file, the YAML path, the line and the reason, and carry a
// kind that wraps ErrInvalidSpec and ErrBadInput.
func TestSpecErrors(t *testing.T) {
	const ok = "version: 1\nmfa-gate:\n  allow-without-mfa: [iam:GetUser]\n"
	tests := []struct {
		name, yaml string
		kind       error
		path       string
		line       int
		msg        string
	}{
		{"syntax", "version: 1\nmfa-gate: [\n", ErrSpecSyntax, "", 0, "yaml:"},
		{"empty", "", ErrSpecMissingKey, "", 0, "empty"},
		{"not a mapping", "- a\n", ErrSpecInvalidValue, "", 1, "expected a mapping"},
		{"no version", "mfa-gate:\n  allow-without-mfa: [iam:GetUser]\n", ErrSpecMissingKey, "version", 1, "version: 1"},
		{"bad version", "version: 2\nmfa-gate:\n  allow-without-mfa: [iam:GetUser]\n", ErrSpecInvalidValue, "version", 1, "not supported"},
		{"no invariant", "version: 1\n", ErrSpecMissingKey, "", 1, "defines no invariant"},
		{"unknown key", ok + "mfa_gate: {}\n", ErrSpecUnknownKey, "mfa_gate", 4, `did you mean "mfa-gate"`},
		{"duplicate key", ok + "mfa-gate: {}\n", ErrSpecDuplicate, "mfa-gate", 4, "given twice"},
		{"unknown action", "version: 1\nmfa-gate:\n  allow-without-mfa:\n    - iam:GetUser\n    - iam:GetUsr\n", ErrSpecUnknownAction, "mfa-gate.allow-without-mfa[1]", 5, "did you mean iam:GetUser"},
		{"not an action", "version: 1\nmfa-gate:\n  allow-without-mfa: [GetUser]\n", ErrSpecInvalidValue, "mfa-gate.allow-without-mfa[0]", 3, "service:Action"},
		{"pattern matching nothing", "version: 1\nmfa-gate:\n  allow-without-mfa: [iam:Nothing*]\n", ErrSpecUnknownAction, "mfa-gate.allow-without-mfa[0]", 3, "matches no action"},
		{"list type", "version: 1\nmfa-gate:\n  allow-without-mfa: {a: b}\n", ErrSpecInvalidValue, "mfa-gate.allow-without-mfa", 3, "expected a list"},
		{"owned without username", "version: 1\nowner-only:\n  owned: ['arn:aws:iam::{account}:user/bob']\n", ErrSpecTemplate, "owner-only.owned[0]", 3, "needs {account} and {username}"},
		{"unknown placeholder", "version: 1\nowner-only:\n  owned: ['arn:aws:iam::{acct}:user/{username}']\n", ErrSpecTemplate, "owner-only.owned[0]", 3, "unknown placeholder {acct}"},
		{"path not before name", "version: 1\nowner-only:\n  owned: ['arn:aws:iam::{account}:user/{path}x{username}']\n", ErrSpecTemplate, "owner-only.owned[0]", 3, "followed directly by {username}"},
		{"star in owned", "version: 1\nowner-only:\n  owned: ['arn:aws:iam::{account}:user/*{username}']\n", ErrSpecTemplate, "owner-only.owned[0]", 3, "only allowed in owner-only exceptions"},
		{"exception without reason", "version: 1\nowner-only:\n  owned: ['arn:aws:iam::{account}:user/{username}']\n  exceptions:\n    - actions: [iam:GetUser]\n      resources: ['arn:aws:iam::*:user/*']\n", ErrSpecMissingKey, "owner-only.exceptions[0].reason", 5, "must say why"},
		{"liveness wildcard", "version: 1\nliveness:\n  - {name: a, principal: user, mfa: with, expect: allowed, resource: 'arn:aws:iam::{account}:user/{username}', actions: ['iam:Get*']}\n", ErrSpecInvalidValue, "liveness[0].actions[0]", 3, "exact names"},
		{"liveness bad enum", "version: 1\nliveness:\n  - {name: a, principal: admin, mfa: with, expect: allowed, resource: '*', actions: [iam:ListUsers]}\n", ErrSpecInvalidValue, "liveness[0].principal", 3, "not one of: user, pathed-user"},
		{"liveness missing", "version: 1\nliveness:\n  - {name: a, principal: user, mfa: with, resource: '*', actions: [iam:ListUsers]}\n", ErrSpecMissingKey, "liveness[0].expect", 3, `missing "expect"`},
		{"liveness warning without reason", "version: 1\nliveness:\n  - {name: a, principal: user, mfa: with, expect: allowed, severity: warning, resource: '*', actions: [iam:ListUsers]}\n", ErrSpecMissingKey, "liveness[0].reason", 3, "known limitation"},
		{"liveness duplicate name", "version: 1\nliveness:\n  - {name: a, principal: user, mfa: with, expect: allowed, resource: '*', actions: [iam:ListUsers]}\n  - {name: a, principal: user, mfa: with, expect: allowed, resource: '*', actions: [iam:ListRoles]}\n", ErrSpecDuplicate, "liveness[1].name", 4, "also used by liveness[0]"},
		{"liveness resource mismatch", "version: 1\nliveness:\n  - {name: a, principal: user, mfa: with, expect: allowed, resource: 'arn:aws:iam::{account}:user/{username}', actions: [iam:ListVirtualMFADevices]}\n", ErrSpecTemplate, "liveness[0].resource", 3, `takes no resource: use resource: "*"`},
		{"liveness username for role", "version: 1\nliveness:\n  - {name: a, principal: assumed-role, mfa: with, expect: allowed, resource: 'arn:aws:iam::{account}:user/{username}', actions: [iam:GetUser]}\n", ErrSpecTemplate, "liveness[0].resource", 3, "need an IAM user principal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.yaml), "x.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.kind) || !errors.Is(err, ErrInvalidSpec) || !errors.Is(err, ErrBadInput) {
				t.Fatalf("error %v is not %v", err, tc.kind)
			}
			var list SpecErrors
			if !errors.As(err, &list) {
				t.Fatalf("%T is not SpecErrors", err)
			}
			var hit *SpecError
			for _, e := range list {
				if errors.Is(e, tc.kind) {
					hit = e
					break
				}
			}
			if hit.File != "x.yaml" || hit.Path != tc.path || (tc.line != 0 && hit.Line != tc.line) || !strings.Contains(hit.Msg, tc.msg) {
				t.Fatalf("got %s (path %q line %d); want path %q line %d containing %q", hit, hit.Path, hit.Line, tc.path, tc.line, tc.msg)
			}
			if !strings.HasPrefix(hit.Error(), "x.yaml") {
				t.Fatalf("message %q does not name the file", hit.Error())
			}
		})
	}
}

// All defects of a file are reported in one pass.
func TestSpecErrorsAllAtOnce(t *testing.T) {
	_, err := ParseSpec([]byte("version: 1\nmfa-gate:\n  allow-without-mfa: [iam:GetUsr, iam:ListUserz]\nextra: 1\n"), "x.yaml")
	var list SpecErrors
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
}

func TestTemplateOwnership(t *testing.T) {
	o := DefaultSpec().OwnerOnly
	tests := []struct {
		arn, account, name string
		owned              bool
	}{
		{"arn:aws:iam::111122223333:user/alice", "111122223333", "alice", true},
		{"arn:aws:iam::111122223333:user/division/sub/Alice", "111122223333", "Alice", true},
		{"arn:aws:iam::444455556666:mfa/a+b=c,d.e@f_g-h", "444455556666", "a+b=c,d.e@f_g-h", true},
		{"arn:aws:iam::111122223333:role/alice", "", "", false},
		{"arn:aws:iam::111122223333:user/", "", "", false},
		{"*", "", "", false},
		{"arn:aws:s3:::alice", "", "", false},
	}
	for _, tc := range tests {
		a, n, _, ok := o.Owner(tc.arn)
		if ok != tc.owned || a != tc.account || n != tc.name {
			t.Errorf("Owner(%s) = %q %q %v", tc.arn, a, n, ok)
		}
	}
	alice := Caller{Kind: UserCaller, Account: "111122223333", Path: "division/", Name: "alice"}
	for _, same := range []string{"alice", "Alice", "ALICE"} {
		if !alice.SameUser("111122223333", same) {
			t.Errorf("%s is alice", same)
		}
	}
	for _, c := range []struct{ acct, name string }{{"444455556666", "alice"}, {"111122223333", "alice2"}, {"111122223333", "al"}, {"111122223333", "malice"}} {
		if alice.SameUser(c.acct, c.name) {
			t.Errorf("%s in %s is not alice", c.name, c.acct)
		}
	}
	tpl, err := compileTemplate("arn:aws:iam::{account}:user/{path}{username}", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.Instantiate(alice); got != "arn:aws:iam::111122223333:user/division/alice" {
		t.Errorf("Instantiate: %s", got)
	}
}

func TestCallerRoundTrip(t *testing.T) {
	for _, c := range []Caller{
		{Kind: UserCaller, Account: "111122223333", Name: "alice"},
		{Kind: UserCaller, Account: "111122223333", Path: "division_abc/subdivision_xyz/", Name: "a+b=c,d.e@f_g-h"},
		{Kind: RoleSessionCaller, Account: "111122223333", Name: "dev", Session: "s1"},
		{Kind: FederatedCaller, Account: "111122223333", Name: "bob"},
		{Kind: RootCaller, Account: "111122223333"},
	} {
		got, err := ParseCaller(c.ARN())
		if err != nil || got != c {
			t.Errorf("ParseCaller(%s) = %+v, %v", c.ARN(), got, err)
		}
		if _, err := model.NewRequest(c.ARN(), "iam:GetUser", "*", nil); err != nil {
			t.Errorf("the model rejects %s: %v", c.ARN(), err)
		}
	}
	for _, bad := range []string{"alice", "arn:aws:iam::111122223333:role/dev", "arn:aws:iam::111122223333:user//alice", "arn:aws:sts::111122223333:assumed-role/dev"} {
		if _, err := ParseCaller(bad); err == nil {
			t.Errorf("ParseCaller(%q) accepted", bad)
		}
	}
}
