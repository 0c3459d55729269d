package model_test

import (
	"os"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

func mustBundle(t testing.TB, path string) *model.Bundle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := model.CompileText(data, model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return &model.Bundle{Identity: []*model.Compiled{c}}
}

func mfa(v string) map[string]model.ContextValue {
	if v == "" {
		return nil
	}
	return map[string]model.ContextValue{"aws:MultiFactorAuthPresent": model.Single(v)}
}

// TestAWSSelfManageSeed pins the facts the AWS page (seed 000) states.
func TestAWSSelfManageSeed(t *testing.T) {
	b := mustBundle(t, "../corpus/policies/000-aws-mfa-self-manage.json")
	const alice = "arn:aws:iam::111122223333:user/alice"
	notListed := []string{"iam:ChangePassword", "iam:CreateAccessKey", "iam:DeactivateMFADevice", "s3:ListAllMyBuckets", "ec2:DescribeInstances", "iam:DeleteVirtualMFADevice"}
	tests := []struct {
		name, action, resource, mfa string
		want                        model.Decision
	}{
		{"ChangePassword without MFA", "iam:ChangePassword", alice, "false", model.ExplicitDeny},
		{"ChangePassword with a key and no MFA key", "iam:ChangePassword", alice, "", model.ExplicitDeny},
		{"ChangePassword with MFA", "iam:ChangePassword", alice, "true", model.Allowed},
		{"ChangePassword on another user", "iam:ChangePassword", "arn:aws:iam::111122223333:user/bob", "true", model.ImplicitDeny},
		{"ChangePassword on alice2", "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice2", "true", model.ImplicitDeny},
		{"EnableMFADevice without MFA", "iam:EnableMFADevice", alice, "false", model.Allowed},
		{"EnableMFADevice with a key", "iam:EnableMFADevice", alice, "", model.Allowed},
		{"CreateVirtualMFADevice any name", "iam:CreateVirtualMFADevice", "arn:aws:iam::111122223333:mfa/alice-phone", "", model.Allowed},
		{"ListVirtualMFADevices", "iam:ListVirtualMFADevices", "*", "", model.Allowed},
		{"GetSessionToken is not allowed by anything", "sts:GetSessionToken", "*", "", model.ImplicitDeny},
	}
	for _, a := range notListed {
		tests = append(tests, struct {
			name, action, resource, mfa string
			want                        model.Decision
		}{"key-based " + a, a, alice, "", model.ExplicitDeny})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := model.NewRequest(alice, tc.action, tc.resource, mfa(tc.mfa))
			if err != nil {
				t.Fatal(err)
			}
			if got := model.Decide(b, r); got.Decision != tc.want {
				t.Errorf("got %s (%s), want %s", got.Decision, got.Reason, tc.want)
			}
		})
	}
}
