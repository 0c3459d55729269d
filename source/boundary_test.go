package source

import (
	"strings"
	"testing"
)

// A template's user's or role's PermissionsBoundary is its identity policies'
// boundary: the template's own managed policy by Ref or Fn::GetAtt PolicyArn (a
// Boundary when attached to no one), an ARN as resolved; a policy shared by
// principals whose boundaries differ (or one without) has none that stands
// for both.
func TestTemplatePermissionsBoundary(t *testing.T) {
	const tpl = `
Resources:
  Limit:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      PermissionsBoundary: !GetAtt Limit.PolicyArn
      Policies: [{PolicyName: a, PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}}]
  U:
    Type: AWS::IAM::User
    Properties:
      PermissionsBoundary: !Sub arn:aws:iam::${AWS::AccountId}:policy/limit
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      Roles: [!Ref A]
      Users: [!Ref U]
      PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
`
	ps := readString(t, "t.yaml", tpl)
	b, why := byID(t, ps, "A.Policies[0]").PermissionsBoundary()
	if why != "" || b == nil || b.Own != byID(t, ps, "Limit") || b.Path != "Resources.A.Properties.PermissionsBoundary" {
		t.Errorf("A's boundary %+v %q, want #Limit at Resources.A.Properties.PermissionsBoundary", b, why)
	}
	if k := byID(t, ps, "Limit").Kind; k != Boundary {
		t.Errorf("Limit is a %s policy, want boundary", k)
	}
	if b, why := byID(t, ps, "Shared").PermissionsBoundary(); b != nil || !strings.Contains(why, "boundaries differ") {
		t.Errorf("Shared's boundary %+v %q, want none and a reason", b, why)
	}
}

// In a plan, a user's or role's permissions_boundary is an ARN, the plan's own
// aws_iam_policy when its ARN is known only after apply and the configuration
// refers to it, and no boundary when unset.
func TestPlanPermissionsBoundary(t *testing.T) {
	const plan = `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","values":{"name":"app",
  "assume_role_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}},
 {"address":"aws_iam_role_policy.app","mode":"managed","type":"aws_iam_role_policy","values":{"role":"app",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_policy.limit","mode":"managed","type":"aws_iam_policy","values":{
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_user.dev","mode":"managed","type":"aws_iam_user","values":{"name":"dev","permissions_boundary":"arn:aws:iam::aws:policy/PowerUserAccess"}},
 {"address":"aws_iam_user_policy.dev","mode":"managed","type":"aws_iam_user_policy","values":{"user":"dev",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_user.free","mode":"managed","type":"aws_iam_user","values":{"name":"free"}},
 {"address":"aws_iam_user_policy.free","mode":"managed","type":"aws_iam_user_policy","values":{"user":"free",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}}
]}},
"configuration":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","expressions":{"permissions_boundary":{"references":["aws_iam_policy.limit.arn","aws_iam_policy.limit"]}}}
]}}}`
	ps := readString(t, "plan.json", plan)
	if b, why := byID(t, ps, "aws_iam_role_policy.app").PermissionsBoundary(); why != "" || b == nil || b.Own != byID(t, ps, "aws_iam_policy.limit") || b.Path != "aws_iam_role.app.permissions_boundary" {
		t.Errorf("app's boundary %+v %q, want aws_iam_policy.limit", b, why)
	}
	if b, why := byID(t, ps, "aws_iam_user_policy.dev").PermissionsBoundary(); why != "" || b == nil || b.ARN != "arn:aws:iam::aws:policy/PowerUserAccess" {
		t.Errorf("dev's boundary %+v %q, want PowerUserAccess", b, why)
	}
	if b, why := byID(t, ps, "aws_iam_user_policy.free").PermissionsBoundary(); b != nil || why != "" {
		t.Errorf("free's boundary %+v %q, want none", b, why)
	}
}
