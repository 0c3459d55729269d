package properties

import (
	"slices"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func parsePolicy(t *testing.T, doc string) *model.Policy {
	t.Helper()
	p, err := model.Parse([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func livenessActions(s *Spec) []string {
	var out []string
	for _, r := range s.Liveness {
		out = append(out, r.Actions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// The self-manage default is cut to what a policy names (properties/default-spec.yaml,
// heuristics 1-5): AWS's MFA-device-only example is not asked for passwords, the
// password-only example is not an MFA policy, and a pinned account is the home account.
func TestTailorSelfManage(t *testing.T) {
	mfaOnly := readPolicy(t, "004-aws-mfa-device-only.json")
	s, why := ChooseDefault(mfaOnly)
	got := livenessActions(s)
	if s.MFAGate == nil || slices.Contains(got, "iam:ChangePassword") || !slices.Contains(got, "iam:DeactivateMFADevice") ||
		!slices.Contains(got, "iam:EnableMFADevice") || !strings.Contains(why, "MFA device") {
		t.Errorf("004: gate %v, liveness %v, why %q", s.MFAGate != nil, got, why)
	}
	if DefaultSpec().MFAGate == nil || !slices.Contains(livenessActions(DefaultSpec()), "iam:ChangePassword") {
		t.Fatal("tailoring changed the shared default spec")
	}
	full := readPolicy(t, "000-aws-mfa-self-manage.json")
	s, _ = ChooseDefault(full)
	if a, b := len(livenessActions(s)), len(livenessActions(DefaultSpec())); a != b {
		t.Errorf("000: %d liveness actions, the full default has %d", a, b)
	}
	pw := parsePolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountPasswordPolicy","Resource":"*"},
		{"Effect":"Allow","Action":["iam:GetUser","iam:ChangePassword"],"Resource":"arn:aws:iam::111122223333:user/${aws:username}"}]}`)
	s, why = ChooseDefault(pw)
	if s.MFAGate != nil || !slices.Equal(livenessActions(s), []string{"iam:ChangePassword", "iam:GetUser"}) || !strings.Contains(why, "not held to an MFA gate") {
		t.Errorf("password only: gate %v, liveness %v, why %q", s.MFAGate != nil, livenessActions(s), why)
	}
	if a := homeAccount(pw); a != "111122223333" {
		t.Errorf("home account %q", a)
	}
	if a := homeAccount(full); a != "" {
		t.Errorf("000 has a home account %q", a)
	}
}

// A Deny-only MFA policy is an MFA guard: checked beside an assumed allow-all
// (its statement is appended to the target's policy and to replay lines), with
// mfa-gate and MFA enrolment but no owner-only; a Deny-only policy on another
// condition is not one.
func TestMFAGuard(t *testing.T) {
	guard := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	s, why := ChooseDefault(parsePolicy(t, guard))
	if s.DefaultKind != DefaultMFAGuard || s.MFAGate == nil || s.OwnerOnly != nil || !strings.Contains(why, assumedAllowSid) {
		t.Fatalf("guard: %s (%s)", s.Name(), why)
	}
	for _, r := range s.Liveness {
		if r.MFA != MFAWith && slices.ContainsFunc(r.Actions, func(a string) bool { return !slices.Contains(mfaCore, a) }) {
			t.Errorf("without-MFA rule %q keeps %v beyond enrolment", r.Name, r.Actions)
		}
	}
	tg := textTarget(t, "guard.json", guard, nil)
	tg = NewTarget("guard.json", withAssumedAllow(tg.Policy), s)
	r, _ := model.NewRequest("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/k", nil)
	if res := tg.Decide(r); res.Decision != model.ExplicitDeny {
		t.Errorf("s3 without MFA beside the assumed allow: %v", res.Decision)
	}
	if c := tg.casePolicies("*"); len(c["identity"].([]any)) != 2 {
		t.Errorf("replay policies %v", c)
	}
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	s, why = ChooseDefault(parsePolicy(t, other))
	if s.DefaultKind != DefaultGeneral {
		t.Errorf("a Deny-only policy without an MFA key: %s", s.Name())
	}
	// Its proof is trivial (it allows nothing): the reason says so, and how to
	// check what it prevents, so that an SCP's PROVED is not read as more.
	if !strings.Contains(why, "hold trivially") || !strings.Contains(why, denyOnlyAdvice) {
		t.Errorf("a Deny-only policy's default: %s", why)
	}
	if _, why := ChooseDefault(parsePolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)); strings.Contains(why, "trivially") {
		t.Errorf("a policy with an Allow: %s", why)
	}
}

// The defaults' with-MFA liveness judges a fresh MFA session, one the proof
// engine always tries (drawAges[0]); an older session is not covered.
func TestFreshMFAAge(t *testing.T) {
	if drawAges[0] != "120" || FreshMFAAge != 120 {
		t.Fatalf("drawAges[0] %s, FreshMFAAge %d", drawAges[0], FreshMFAAge)
	}
	s, _ := ChooseDefault(readPolicy(t, "000-aws-mfa-self-manage.json"))
	c := Caller{Kind: UserCaller, Account: "111122223333", Name: "alice"}
	own := "arn:aws:iam::111122223333:user/alice"
	ctx := func(age string) map[string]model.ContextValue {
		return map[string]model.ContextValue{keyMFAPresent: model.Single("true"), keyMFAAge: model.Single(age)}
	}
	var r *LivenessRule
	for _, x := range s.Liveness {
		if x.MFA == MFAWith && x.Severity == SeverityError && slices.Contains(x.Actions, "iam:CreateAccessKey") {
			r = x
		}
	}
	if r == nil || !r.Covers(c, "iam:CreateAccessKey", own, MFATrue, ctx("120")) || r.Covers(c, "iam:CreateAccessKey", own, MFATrue, ctx("3601")) {
		t.Fatalf("rule %+v", r)
	}
	if d := DefaultSpec().Liveness[0]; d.MaxMFAAge != 0 {
		t.Errorf("the shared default spec changed: %d", d.MaxMFAAge)
	}
}

// A policy of one other partition is read in aws: every ARN of that partition,
// in resources and conditions, and nothing else.
func TestInAWSPartition(t *testing.T) {
	pol := parsePolicy(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":["arn:aws-cn:iam::*:user/${aws:username}","arn:aws-cn:s3:::b"],
		"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws-cn:iam::*:user/*"}}}]}`)
	if p := homePartition(pol); p != "aws-cn" {
		t.Fatalf("home partition %q", p)
	}
	c := inAWSPartition(pol, "aws-cn")
	st := c.Statements[0]
	if !slices.Equal(st.Resource.Values, []string{"arn:aws:iam::*:user/${aws:username}", "arn:aws:s3:::b"}) || st.Condition[0].Keys[0].Values[0].Text != "arn:aws:iam::*:user/*" {
		t.Errorf("copy %s", c.Marshal())
	}
	if pol.Statements[0].Resource.Values[0] != "arn:aws-cn:iam::*:user/${aws:username}" || pol.Statements[0].Condition[0].Keys[0].Values[0].Text != "arn:aws-cn:iam::*:user/*" {
		t.Errorf("the original changed: %s", pol.Marshal())
	}
	if p := homePartition(readPolicy(t, "000-aws-mfa-self-manage.json")); p != "" {
		t.Errorf("000: %q", p)
	}
}
