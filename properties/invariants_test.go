package properties

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const (
	acct  = "111122223333"
	other = "444455556666"
)

func user(path, name string) Caller {
	return Caller{Kind: UserCaller, Account: acct, Path: path, Name: name}
}

func userARN(account, rest string) string { return "arn:aws:iam::" + account + ":user/" + rest }

// seedTarget loads a seed policy with the spec given (nil: its own, by convention).
func seedTarget(t testing.TB, name string, spec *Spec) *Target {
	t.Helper()
	path := filepath.Join(policiesDir, name)
	if spec == nil {
		tg, err := LoadTarget(path)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return textTarget(t, path, string(data), spec)
}

// textTarget builds a target from policy text (for planted bugs).
func textTarget(t testing.TB, path, text string, spec *Spec) *Target {
	t.Helper()
	p, err := model.Parse([]byte(text), model.IdentityPolicy)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if spec == nil {
		spec = DefaultSpec()
	}
	return NewTarget(path, p, spec)
}

// edited returns seed 000 with one textual edit, which must apply exactly once.
func edited(t testing.TB, old, new string) *Target {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(policiesDir, "000-aws-mfa-self-manage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), old) != 1 {
		t.Fatalf("edit %q does not apply exactly once", old)
	}
	return textTarget(t, "planted.json", strings.Replace(string(data), old, new, 1), DefaultSpec())
}

func judge(t *testing.T, tg *Target, p Probe) (model.Result, []*Violation) {
	t.Helper()
	r, err := p.Request()
	if err != nil {
		t.Fatalf("probe %+v: %v", p, err)
	}
	res := tg.Decide(r)
	return res, tg.Judge(r, &res)
}

var (
	noMFA   = []ContextEntry(nil)
	falseMF = mfaContext(MFAKeyFalse)
	withMFA = mfaContext(MFATrue)
)

func TestMFAGateCheck(t *testing.T) {
	tg := seedTarget(t, "001-self-manage-no-mfa.json", DefaultSpec())
	for _, ctx := range [][]ContextEntry{noMFA, falseMF} {
		res, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "iam:ListAccountAliases", Resource: "*", Context: ctx})
		if res.Decision != model.Allowed || len(vs) != 1 || !errors.Is(vs[0], ErrMFAGate) || vs[0].Severity != SeverityError {
			t.Fatalf("ListAccountAliases without MFA: %v %v", res.Decision, vs)
		}
		want := "iam:ListAccountAliases is allowed without MFA"
		if !strings.Contains(vs[0].Reason, want) || !strings.Contains(vs[0].Reason, "by statement AllowAllUsersToListAccounts; it is not in the MFA allow-list") {
			t.Fatalf("reason %q", vs[0].Reason)
		}
	}
	// With MFA, or for requests AWS never makes, nothing is judged.
	for _, p := range []Probe{
		{Caller: user("", "alice"), Action: "iam:ListAccountAliases", Resource: "*", Context: withMFA},
		{Caller: user("", "alice"), Action: "iam:ListAccountAliases", Resource: "*", Context: []ContextEntry{{keyMFAPresent, model.Single("TRUE")}}},
		{Caller: Caller{Kind: RootCaller, Account: acct}, Action: "iam:ListAccountAliases", Resource: "*"},
		{Caller: user("", "alice"), Action: "IAM:listusers", Resource: "*", Context: withMFA},
	} {
		if _, vs := judge(t, tg, p); len(vs) != 0 {
			t.Errorf("%+v: %v", p, vs)
		}
	}
	// An action in the allow-list, spelled in another case, is allowed.
	if _, vs := judge(t, seedTarget(t, "000-aws-mfa-self-manage.json", nil), Probe{Caller: user("", "alice"), Action: "IAM:getuser", Resource: userARN(acct, "alice")}); len(vs) != 0 {
		t.Errorf("GetUser in another case: %v", vs)
	}
}

func TestOwnerOnlyCheck(t *testing.T) {
	tg := edited(t, `"Resource": "arn:aws:iam::*:user/${aws:username}"
    },
    {
      "Sid": "AllowManageOwnAccessKeys"`, `"Resource": "arn:aws:iam::*:user/*"
    },
    {
      "Sid": "AllowManageOwnAccessKeys"`)
	for _, tc := range []struct {
		caller   Caller
		resource string
		owner    string
	}{
		{user("", "alice"), userARN(acct, "bob"), "user bob"},
		{user("", "alice"), userARN(acct, "alice2"), "user alice2"},
		{user("dev/", "alice"), userARN(acct, "division/al"), "user al"},
		{Caller{Kind: RoleSessionCaller, Account: acct, Name: "dev", Session: "s1"}, userARN(acct, "alice"), "user alice"},
	} {
		_, vs := judge(t, tg, Probe{Caller: tc.caller, Action: "iam:ChangePassword", Resource: tc.resource, Context: withMFA})
		if len(vs) != 1 || !errors.Is(vs[0], ErrOwnerOnly) || !strings.Contains(vs[0].Reason, "belongs to "+tc.owner+",") {
			t.Errorf("%s on %s: %v", tc.caller, tc.resource, vs)
		}
	}
	// The same user spelled with another path or case is the caller's own.
	for _, r := range []string{userARN(acct, "division/alice"), userARN(acct, "Alice"), userARN(acct, "alice")} {
		if _, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "iam:ChangePassword", Resource: r, Context: withMFA}); len(vs) != 0 {
			t.Errorf("%s is alice's own: %v", r, vs)
		}
	}
	// The documented exception: any device name may be created.
	aws := seedTarget(t, "000-aws-mfa-self-manage.json", nil)
	res, vs := judge(t, aws, Probe{Caller: user("", "alice"), Action: "iam:CreateVirtualMFADevice", Resource: "arn:aws:iam::111122223333:mfa/bob", Context: withMFA})
	if res.Decision != model.Allowed || len(vs) != 0 {
		t.Errorf("CreateVirtualMFADevice on mfa/bob: %v %v", res.Decision, vs)
	}
}

func TestLivenessCheck(t *testing.T) {
	blog := seedTarget(t, "003-blog-self-manage-mfa.json", nil)
	if !blog.Spec.Default {
		t.Fatal("seed 003 has no spec of its own and must get the default")
	}
	res, vs := judge(t, blog, Probe{Caller: user("", "alice"), Action: "iam:GetUser", Resource: userARN(acct, "alice")})
	if res.Decision != model.ExplicitDeny || len(vs) != 1 || !errors.Is(vs[0], ErrLiveness) || vs[0].Severity != SeverityError ||
		!strings.Contains(vs[0].Reason, "is explicitly denied by statement BlockMostAccessUnlessSignedInWithMFA") {
		t.Fatalf("GetUser without MFA: %v %v", res.Decision, vs)
	}
	// GetSessionToken: denied by policy logic, not enforced by AWS: a note.
	res, vs = judge(t, blog, Probe{Caller: user("", "alice"), Action: "sts:GetSessionToken", Resource: "*", Context: falseMF})
	if res.Decision != model.ExplicitDeny || len(vs) != 1 || vs[0].Severity != SeverityNote || !strings.Contains(vs[0].Reason, "not enforced by AWS") {
		t.Fatalf("GetSessionToken: %v %v", res.Decision, vs)
	}
	// A pathed user cannot manage their credentials under AWS's example: a warning.
	aws := seedTarget(t, "000-aws-mfa-self-manage.json", nil)
	p := Probe{Caller: user("division/", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "division/alice"), Context: withMFA}
	res, vs = judge(t, aws, p)
	if res.Decision != model.ImplicitDeny || len(vs) != 1 || vs[0].Severity != SeverityWarning || !errors.Is(vs[0], ErrLiveness) {
		t.Fatalf("pathed user: %v %v", res.Decision, vs)
	}
	aws.Explain(vs[0])
	if s := vs[0].Statement; s == nil || s.Decided || s.Sid != "AllowManageOwnAccessKeys" || !strings.Contains(s.Why, "without its path") {
		t.Fatalf("nearest statement: %+v", vs[0].Statement)
	}
	// Without a path, all is well; another user's resource is not "your own".
	for _, p := range []Probe{
		{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "alice"), Context: withMFA},
		{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "bob"), Context: withMFA},
		{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "alice")},
	} {
		if _, vs := judge(t, aws, p); len(vs) != 0 {
			t.Errorf("%+v: %v", p, vs)
		}
	}
}

func TestJudgeable(t *testing.T) {
	alice := user("", "alice")
	tests := []struct {
		p   Probe
		why string
	}{
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice")}, ""},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: withMFA}, ""},
		{Probe{Caller: Caller{Kind: RootCaller, Account: acct}, Action: "iam:GetUser", Resource: userARN(acct, "alice")}, "root user"},
		{Probe{Caller: alice, Action: "iam:GetUsers", Resource: userARN(acct, "alice")}, "not an action"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: "*"}, "cannot be authorized"},
		{Probe{Caller: alice, Action: "iam:ListVirtualMFADevices", Resource: "arn:aws:iam::111122223333:mfa/alice"}, "cannot be authorized"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: []ContextEntry{{keyMFAPresent, model.Multi("true")}}}, "never sends"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: []ContextEntry{{keyMFAPresent, model.Single("true")}}}, "Age is absent"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: []ContextEntry{{keyMFAAge, model.Single("5")}}}, "without MFA"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: []ContextEntry{{keyMFAPresent, model.Single("true")}, {keyMFAAge, model.Single("soon")}}}, "not a number"},
		{Probe{Caller: alice, Action: "iam:GetUser", Resource: userARN(acct, "alice"), Context: []ContextEntry{{"aws:UserName", model.Single("bob")}}}, "derived from the principal"},
	}
	for _, tc := range tests {
		r, err := tc.p.Request()
		if err != nil {
			t.Fatal(err)
		}
		_, _, why := Judgeable(r)
		if (tc.why == "") != (why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("%+v: why %q, want %q", tc.p, why, tc.why)
		}
	}
}
