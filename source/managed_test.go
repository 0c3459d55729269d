package source

import (
	"slices"
	"testing"
)

// A role's ManagedPolicyArns are named on its policies (here its trust policy,
// which is all the template shows of it): a role given AdministratorAccess this
// way showed one skipped trust policy and nothing else. The template's own managed
// policy, checked as #Own, is not named.
func TestManagedPolicyArnsNoted(t *testing.T) {
	const tpl = `
Resources:
  Own:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns:
        - !Ref Own
        - arn:aws:iam::aws:policy/AdministratorAccess
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"
        - !ImportValue SharedPolicyArn
`
	ps := readString(t, "t.yaml", tpl)
	trust := byID(t, ps, "App.AssumeRolePolicyDocument")
	want := "App also has managed policies that iamfuzz does not check (ManagedPolicyArns): arn:aws:iam::aws:policy/AdministratorAccess, arn:aws:iam::aws:policy/ReadOnlyAccess, one known only at deployment"
	if !slices.Contains(trust.Notes, want) {
		t.Errorf("notes %q, want %q", trust.Notes, want)
	}
	if own := byID(t, ps, "Own"); len(own.Notes) != 0 {
		t.Errorf("the template's own managed policy: notes %q", own.Notes)
	}
}

// In a plan, the managed policies attached to a role by name
// (aws_iam_role_policy_attachment, aws_iam_policy_attachment, the role's
// managed_policy_arns) are noted on its trust and inline policies; an
// attachment whose ARN is known only after apply is the plan's own policy.
func TestPlanManagedPoliciesNoted(t *testing.T) {
	const plan = `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","values":{"name":"app",
  "assume_role_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}",
  "managed_policy_arns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}},
 {"address":"aws_iam_role_policy.app","mode":"managed","type":"aws_iam_role_policy","values":{"role":"app",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_role_policy_attachment.admin","mode":"managed","type":"aws_iam_role_policy_attachment","values":{"role":"app","policy_arn":"arn:aws:iam::aws:policy/AdministratorAccess"}},
 {"address":"aws_iam_role_policy_attachment.own","mode":"managed","type":"aws_iam_role_policy_attachment","values":{"role":"app","policy_arn":null}}
]}}}`
	ps := readString(t, "plan.json", plan)
	want := "role app also has managed policies that iamfuzz does not check: arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess"
	for _, id := range []string{"aws_iam_role.app.assume_role_policy", "aws_iam_role_policy.app"} {
		if p := byID(t, ps, id); !slices.Contains(p.Notes, want) {
			t.Errorf("%s: notes %q, want %q", id, p.Notes, want)
		}
	}
}
