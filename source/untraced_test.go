package source

import (
	"slices"
	"testing"
)

// A plan's links whose principal cannot be traced are not dropped: lists
// known only after apply follow their references (aws_iam_policy_attachment's
// roles); a reference iamfuzz does not follow (a module the configuration does
// not hold, each.value) stands for policies not known beside every policy of
// a principal of that kind, and a user's only for a user's.
func TestPlanUntracedLinks(t *testing.T) {
	const doc = `"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"`
	const plan = `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","values":{"name":"app"}},
 {"address":"aws_iam_role_policy.app","mode":"managed","type":"aws_iam_role_policy","values":{"role":"app","policy":` + doc + `}},
 {"address":"aws_iam_user.dev","mode":"managed","type":"aws_iam_user","values":{"name":"dev"}},
 {"address":"aws_iam_user_policy.dev","mode":"managed","type":"aws_iam_user_policy","values":{"user":"dev","policy":` + doc + `}},
 {"address":"aws_iam_group.ops","mode":"managed","type":"aws_iam_group","values":{"name":"ops"}},
 {"address":"aws_iam_group_policy.ops","mode":"managed","type":"aws_iam_group_policy","values":{"group":"ops","policy":` + doc + `}},
 {"address":"aws_iam_policy_attachment.known","mode":"managed","type":"aws_iam_policy_attachment","values":{"policy_arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
 {"address":"aws_iam_policy_attachment.lost","mode":"managed","type":"aws_iam_policy_attachment","values":{"policy_arn":"arn:aws:iam::aws:policy/AdministratorAccess"}},
 {"address":"aws_iam_group_membership.m","mode":"managed","type":"aws_iam_group_membership","values":{"group":"ops"}}
]}},
 "configuration":{"root_module":{"resources":[
  {"address":"aws_iam_policy_attachment.known","expressions":{"roles":{"references":["aws_iam_role.app.name","aws_iam_role.app"]}}},
  {"address":"aws_iam_policy_attachment.lost","expressions":{"users":{"references":["module.gone.user"]}}},
  {"address":"aws_iam_group_membership.m","expressions":{"users":{"references":["each.value"]}}}]}}}`
	ps := readString(t, "plan.json", plan)
	for id, want := range map[string][]string{
		"aws_iam_role_policy.app": {
			"role app via : arn:aws:iam::aws:policy/ReadOnlyAccess @ aws_iam_policy_attachment.known.policy_arn",
		},
		"aws_iam_user_policy.dev": {
			"user dev via a user not traced: the policies of a user not traced @ aws_iam_policy_attachment.lost.users",
			"user dev via a user not traced: the policies of a user not traced @ aws_iam_group_membership.m.users",
		},
		// A group without members in the plan: a user's link is not its.
		"aws_iam_group_policy.ops": nil,
	} {
		if got := bundled(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
}

// A template's link naming its principal by a value known only at deployment
// (a CommaDelimitedList parameter, Fn::ImportValue) may be any principal of
// that kind; a literal name matching none is one outside the template, unless
// a principal of that kind has a name known only at deployment.
func TestTemplateUntracedLinks(t *testing.T) {
	const tpl = `
Parameters:
  RoleList: {Type: CommaDelimitedList}
  GroupName: {Type: String}
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Dev:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: b
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Ops:
    Type: AWS::IAM::Group
  Named:
    Type: AWS::IAM::Group
    Properties:
      GroupName: !Ref GroupName
      Policies:
        - PolicyName: c
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Power:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: power
      Groups: [power-users]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
  Admin:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: admin
      Roles: !Ref RoleList
      Users: [someone-else]
      PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
  Join:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Ops
      Users: [!ImportValue shared-user]
`
	ps := readString(t, "t.yaml", tpl)
	for id, want := range map[string][]string{
		"App.Policies[0]": {"role App via a role not traced: the policies of a role not traced @ Resources.Admin.Properties.Roles"},
		// A group's policies are a user's too (a user holds its groups').
		"Dev.Policies[0]": {
			"user Dev via a group not traced: the policies of a group not traced @ Resources.Power.Properties.Groups[0]",
			"user Dev via a user not traced: the policies of a user not traced @ Resources.Join.Properties.Users[0]",
		},
		// power-users may be the name the parameter gives Named.
		"Named.Policies[0]": {`group Named via a group not traced: the policies of a group not traced @ Resources.Power.Properties.Groups[0]`},
		// Its user is outside the template; its roles may be App or others.
		"Admin": {" via a role not traced: the policies of a role not traced @ Resources.Admin.Properties.Roles"},
	} {
		if got := bundled(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
}
