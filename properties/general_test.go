package properties

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const generalDir = "../corpus/examples/general"

// runExample checks an example policy of corpus/examples with a small budget.
func runExample(t *testing.T, tg *Target) *Report {
	t.Helper()
	return tg.Run(context.Background(), Options{Checks: 1500, Seed: 7})
}

func loadExample(t *testing.T, name string, around *Surroundings) *Target {
	t.Helper()
	tg, err := LoadTargetWith(filepath.Join(generalDir, name), "", around)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func invariantsOf(rep *Report) map[string]bool {
	out := map[string]bool{}
	for _, f := range rep.BySeverity(SeverityError) {
		out[f.Invariant] = true
	}
	return out
}

func TestChooseDefault(t *testing.T) {
	for _, name := range []string{"000-aws-mfa-self-manage.json", "001-self-manage-no-mfa.json", "003-blog-self-manage-mfa.json", "004-aws-mfa-device-only.json"} {
		tg := seedTarget(t, name, DefaultSpec())
		if spec, why := ChooseDefault(tg.Policy); spec.DefaultKind != DefaultSelfManage || !strings.Contains(why, "manages users' own credentials") {
			t.Errorf("%s: %s (%s)", name, spec.Name(), why)
		}
	}
	for _, name := range []string{"s3-read-only.json", "admin.json", "iam-admin.json", "passrole-lambda.json"} {
		tg := loadExample(t, name, nil)
		if tg.Spec.DefaultKind != DefaultGeneral || tg.SpecWhy == "" {
			t.Errorf("%s: %s (%s)", name, tg.Spec.Name(), tg.SpecWhy)
		}
	}
	// A credential action on a user's own ARN makes it a self-manage policy; the
	// same action on every user does not.
	own := textTarget(t, "own.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`, nil)
	any := textTarget(t, "any.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/*"}]}`, nil)
	if s, _ := ChooseDefault(own.Policy); s.DefaultKind != DefaultSelfManage {
		t.Errorf("own: %s", s.Name())
	}
	if s, _ := ChooseDefault(any.Policy); s.DefaultKind != DefaultGeneral {
		t.Errorf("any: %s", s.Name())
	}
}

func TestGeneralDefault(t *testing.T) {
	b, err := LoadPolicyFile(filepath.Join(generalDir, "boundary-s3-read-only.json"), model.BoundaryPolicy)
	if err != nil {
		t.Fatal(err)
	}
	underBoundary := &Surroundings{Boundary: b}
	for _, tc := range []struct {
		name   string
		around *Surroundings
		want   []string // failing invariants; none: pass
	}{
		{"s3-read-only.json", nil, nil},
		{"lambda-deploy-no-passrole.json", nil, nil},
		{"admin.json", nil, []string{InvNoFullAccess, InvNoEscalation}},
		{"iam-admin.json", nil, []string{InvNoEscalation}},
		// The whole bundle decides: iam:* under an S3-read-only boundary allows no
		// IAM action at all.
		{"iam-admin.json", underBoundary, nil},
		{"admin.json", underBoundary, nil},
		{"passrole-lambda.json", nil, []string{InvNoEscalation}},
	} {
		rep := runExample(t, loadExample(t, tc.name, tc.around))
		got := invariantsOf(rep)
		if len(got) != len(tc.want) {
			t.Errorf("%s: failing invariants %v, want %v", tc.name, got, tc.want)
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%s: %s not reported; got %v", tc.name, w, got)
			}
		}
	}
}

// The planted bug of no-escalation: PassRole with Lambda create and invoke is one
// method; the same policy without lambda:InvokeFunction completes none.
func TestEscalationCombination(t *testing.T) {
	rep := runExample(t, loadExample(t, "passrole-lambda.json", nil))
	var f *Violation
	for _, v := range rep.Findings {
		if v.Rule == "passrole-lambda-invoke" {
			f = v
		}
	}
	if f == nil || !errors.Is(f, ErrNoEscalation) || !strings.Contains(f.Reason, "lambda:InvokeFunction") || f.Statement == nil || f.Statement.Sid != "PassAppRoles" {
		t.Fatalf("passrole-lambda-invoke: %+v", f)
	}
	tg := loadExample(t, "passrole-lambda.json", nil)
	without := strings.Replace(string(mustMarshal(t, tg.Policy)), `"lambda:InvokeFunction"`, `"lambda:GetFunction"`, 1)
	if got := invariantsOf(runExample(t, textTarget(t, "no-invoke.json", without, GeneralSpec()))); got[InvNoEscalation] {
		t.Errorf("without lambda:InvokeFunction: %v", got)
	}
}

func mustMarshal(t *testing.T, p *model.Policy) []byte {
	t.Helper()
	return p.Marshal()
}

// Creating an access key is managing your own credentials for yourself and an
// escalation for anyone else.
func TestEscalationOtherUserOnly(t *testing.T) {
	tg := textTarget(t, "ak.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/${aws:username}*"}]}`, GeneralSpec())
	_, vs := judge(t, tg, Probe{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "alice")})
	if len(vs) != 0 {
		t.Errorf("own key: %v", vs)
	}
	_, vs = judge(t, tg, Probe{Caller: user("", "alice"), Action: "iam:CreateAccessKey", Resource: userARN(acct, "alice2")})
	if len(vs) != 1 || !errors.Is(vs[0], ErrNoEscalation) {
		t.Errorf("alice2's key: %v", vs)
	}
}

func TestEscalationListSourced(t *testing.T) {
	ms := EscalationMethods()
	if len(ms) < 21 {
		t.Fatalf("%d methods", len(ms))
	}
	ids := map[string]bool{}
	for _, m := range ms {
		if ids[m.ID] || m.Source == "" || m.Why == "" {
			t.Errorf("%s: duplicate id or no source/why", m.ID)
		}
		ids[m.ID] = true
	}
	for _, want := range []string{"create-policy-version", "set-default-policy-version", "attach-user-policy", "put-role-policy", "add-user-to-group", "update-assume-role-policy", "passrole-ec2", "passrole-cloudformation", "passrole-glue-dev-endpoint"} {
		if !ids[want] {
			t.Errorf("method %s missing", want)
		}
	}
}

// Over the partition, the general rule kinds are proved, not only sampled: a
// least-privilege policy and iam:* under an S3-read-only boundary get the
// verdict proved; every worked example that keeps its rule is proved too.
func TestGeneralKindsProved(t *testing.T) {
	b, err := LoadPolicyFile(filepath.Join(generalDir, "boundary-s3-read-only.json"), model.BoundaryPolicy)
	if err != nil {
		t.Fatal(err)
	}
	targets := []*Target{
		loadExample(t, "s3-read-only.json", nil),
		loadExample(t, "lambda-deploy-no-passrole.json", nil),
		loadExample(t, "iam-admin.json", &Surroundings{Boundary: b}),
	}
	for _, kind := range []string{"never", "only", "liveness", "bundle"} {
		tg, err := LoadTargetSpec(filepath.Join(examplesDir, kind, "keeps.json"), filepath.Join(examplesDir, kind, "spec.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	for _, tg := range targets {
		if rep := tg.Prove(context.Background(), Options{}); rep.Verdict != VerdictProved {
			t.Errorf("%s: %s, unknown: %v, findings: %v", tg.Path, rep.Verdict, rep.Coverage.Unknown, rep.Findings)
		}
	}
	// iam:* alone fails under the proof engine too.
	if rep := loadExample(t, "iam-admin.json", nil).Prove(context.Background(), Options{}); rep.Verdict != VerdictFail {
		t.Errorf("iam:*: %s", rep.Verdict)
	}
}
