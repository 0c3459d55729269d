package source

import (
	"slices"
	"testing"
)

// A role's ManagedPolicyArns are attached to its identity policies (AWS decides
// with all of them at once): a role given AdministratorAccess beside an MFA
// self-manage policy proved what the role could not do. The template's own
// managed policy is attached too, and belongs to the role itself.
func TestManagedPolicyArnsAttached(t *testing.T) {
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
      Policies:
        - PolicyName: inline
          PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
      ManagedPolicyArns:
        - !Ref Own
        - arn:aws:iam::aws:policy/AdministratorAccess
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"
        - !ImportValue SharedPolicyArn
  Lone:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
`
	ps := readString(t, "t.yaml", tpl)
	inline := byID(t, ps, "App.Policies[0]")
	var got []string
	for _, a := range inline.Attached {
		got = append(got, a.Name()+" @ "+a.Path)
	}
	want := []string{
		"t.yaml#Own @ Resources.App.Properties.ManagedPolicyArns[0]",
		"arn:aws:iam::aws:policy/AdministratorAccess @ Resources.App.Properties.ManagedPolicyArns[1]",
		"arn:aws:iam::aws:policy/ReadOnlyAccess @ Resources.App.Properties.ManagedPolicyArns[2]",
		"a managed policy whose ARN is not known (its ARN is known only at deployment) @ Resources.App.Properties.ManagedPolicyArns[3]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("App.Policies[0] attached\n%q\nwant\n%q", got, want)
	}
	if a := inline.Attached[1]; a.Pos.Line != 16 {
		t.Errorf("position %v, want line 16", a.Pos)
	}
	// The role's own managed policy is checked with its three other managed
	// policies and its inline policy.
	own := byID(t, ps, "Own")
	if len(own.Attached) != 4 || own.Attached[0].ARN != "arn:aws:iam::aws:policy/AdministratorAccess" || !own.Attached[3].Inline || own.Attached[3].Own != inline {
		t.Errorf("Own attached %+v, want the role's three other managed policies and its inline policy", own.Attached)
	}
	// The trust policy of a role with identity policies says nothing; the one of
	// a role with none says its managed policies are not checked.
	if n := byID(t, ps, "App.AssumeRolePolicyDocument").Notes; len(n) != 0 {
		t.Errorf("App's trust policy notes %q", n)
	}
	wantNote := "Lone also has managed policies that iamfuzz does not check (ManagedPolicyArns): arn:aws:iam::aws:policy/AdministratorAccess"
	if n := byID(t, ps, "Lone.AssumeRolePolicyDocument").Notes; !slices.Contains(n, wantNote) {
		t.Errorf("Lone's trust policy notes %q, want %q", n, wantNote)
	}
}

// A policy attached to two principals whose managed policies differ cannot be
// checked in one bundle: AttachedBundle says why.
func TestAttachedBundleTwoPrincipals(t *testing.T) {
	const tpl = `
Resources:
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      Roles: [!Ref A, !Ref B]
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
  B:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
`
	ps := readString(t, "t.yaml", tpl)
	if atts, why := byID(t, ps, "Shared").AttachedBundle(); atts != nil || why == "" {
		t.Errorf("AttachedBundle %v %q, want none and a reason", atts, why)
	}
}

// In a plan, the managed policies attached to a role by name
// (aws_iam_*_policy_attachment, the role's managed_policy_arns) are attached to
// its inline policies; an attachment whose ARN is known only after apply is the
// plan's own policy when the configuration refers to it, else unknown.
func TestPlanManagedPoliciesAttached(t *testing.T) {
	const plan = `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","values":{"name":"app",
  "assume_role_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}",
  "managed_policy_arns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}},
 {"address":"aws_iam_role_policy.app","mode":"managed","type":"aws_iam_role_policy","values":{"role":"app",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_policy.own","mode":"managed","type":"aws_iam_policy","values":{"arn":null,
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_role_policy_attachment.admin","mode":"managed","type":"aws_iam_role_policy_attachment","values":{"role":"app","policy_arn":"arn:aws:iam::aws:policy/AdministratorAccess"}},
 {"address":"aws_iam_role_policy_attachment.own","mode":"managed","type":"aws_iam_role_policy_attachment","values":{"role":"app","policy_arn":null}},
 {"address":"aws_iam_role_policy_attachment.other","mode":"managed","type":"aws_iam_role_policy_attachment","values":{"role":"app","policy_arn":null}}
]}},
"configuration":{"root_module":{"resources":[
 {"address":"aws_iam_role_policy_attachment.own","expressions":{"policy_arn":{"references":["aws_iam_policy.own.arn","aws_iam_policy.own"]}}},
 {"address":"aws_iam_role_policy_attachment.other","expressions":{"policy_arn":{"references":["module.x.arn"]}}}
]}}}`
	ps := readString(t, "plan.json", plan)
	var got []string
	for _, a := range byID(t, ps, "aws_iam_role_policy.app").Attached {
		got = append(got, a.Name()+" @ "+a.Path)
	}
	want := []string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess @ aws_iam_role.app.managed_policy_arns[0]",
		"arn:aws:iam::aws:policy/AdministratorAccess @ aws_iam_role_policy_attachment.admin.policy_arn",
		"plan.json#aws_iam_policy.own @ aws_iam_role_policy_attachment.own.policy_arn",
		"a managed policy whose ARN is not known (its ARN is known only after apply) @ aws_iam_role_policy_attachment.other.policy_arn",
	}
	if !slices.Equal(got, want) {
		t.Errorf("attached\n%q\nwant\n%q", got, want)
	}
	if n := byID(t, ps, "aws_iam_role.app.assume_role_policy").Notes; len(n) != 0 {
		t.Errorf("trust policy notes %q", n)
	}
	if own := byID(t, ps, "aws_iam_policy.own"); len(own.Attached) != 4 || own.Attached[3].Own != byID(t, ps, "aws_iam_role_policy.app") {
		t.Errorf("aws_iam_policy.own attached %+v, want the role's three other managed policies and aws_iam_role_policy.app", own.Attached)
	}
}
