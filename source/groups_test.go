package source

import (
	"slices"
	"testing"
)

// bundled names every policy checked with p, through which group, and where.
func bundled(p *Policy) []string {
	var out []string
	for _, a := range p.Attached {
		out = append(out, a.Principal+" via "+a.Via+": "+a.Name()+" @ "+a.Path)
	}
	return out
}

// A user's policies in a template are checked with those of the groups it is
// in (Groups by Ref or literal GroupName, UserToGroupAddition), a group's
// managed policies included; a group's policy with its members' others; a
// group the template does not define stands for policies not known.
func TestTemplateGroups(t *testing.T) {
	const tpl = `
Parameters:
  Team: {Type: String}
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      Groups: [!Ref Ops, readers, outsiders]
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Ops:
    Type: AWS::IAM::Group
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      Policies:
        - PolicyName: c
          PolicyDocument: {Statement: [{Effect: Deny, Action: sqs:DeleteQueue, Resource: "*"}]}
  Readers:
    Type: AWS::IAM::Group
    Properties:
      GroupName: readers
      Policies:
        - PolicyName: d
          PolicyDocument: {Statement: [{Effect: Deny, Action: s3:DeleteBucket, Resource: "*"}]}
  Solo:
    Type: AWS::IAM::User
    Properties:
      UserName: solo
      Policies:
        - PolicyName: e
          PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Flex:
    Type: AWS::IAM::User
    Properties:
      Groups: !Ref Team
      Policies:
        - PolicyName: g
          PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Lonely:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: f
          PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  SoloInReaders:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Readers
      Users: [solo, nobody]
  SoloInTeam:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Team
      Users: [!Ref Solo]
`
	ps := readString(t, "t.yaml", tpl)
	for id, want := range map[string][]string{
		"Dev.Policies[0]": {
			"user Dev via group Ops: arn:aws:iam::aws:policy/ReadOnlyAccess @ Resources.Ops.Properties.ManagedPolicyArns[0]",
			"user Dev via group Ops: t.yaml#Ops.Policies[0] @ Resources.Ops.Properties.Policies[0].PolicyDocument",
			"user Dev via group Readers: t.yaml#Readers.Policies[0] @ Resources.Readers.Properties.Policies[0].PolicyDocument",
			"user Dev via group outsiders: the policies of group outsiders @ Resources.Dev.Properties.Groups[2]",
		},
		"Solo.Policies[0]": {
			"user Solo via group Readers: t.yaml#Readers.Policies[0] @ Resources.Readers.Properties.Policies[0].PolicyDocument",
			"user Solo via group (a name known only at deployment): the policies of group (a name known only at deployment) @ Resources.SoloInTeam.Properties.GroupName",
		},
		// Its only member in the template is Dev.
		"Ops.Policies[0]": {
			"user Dev via : t.yaml#Dev.Policies[0] @ Resources.Dev.Properties.Policies[0].PolicyDocument",
			"user Dev via group Ops: arn:aws:iam::aws:policy/ReadOnlyAccess @ Resources.Ops.Properties.ManagedPolicyArns[0]",
			"user Dev via group Readers: t.yaml#Readers.Policies[0] @ Resources.Readers.Properties.Policies[0].PolicyDocument",
			"user Dev via group outsiders: the policies of group outsiders @ Resources.Dev.Properties.Groups[2]",
		},
		"Flex.Policies[0]": {
			"user Flex via group (Groups not written as a list): the policies of group (Groups not written as a list) @ Resources.Flex.Properties.Groups",
		},
		// A group without members in the template is checked as before.
		"Lonely.Policies[0]": nil,
	} {
		if got := bundled(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
	if _, why := byID(t, ps, "Readers.Policies[0]").AttachedBundle(); why == "" {
		t.Error("Readers.Policies[0]: its members Dev and Solo have different other policies, want no bundle")
	}
}

// A plan's memberships: aws_iam_user_group_membership and
// aws_iam_group_membership, a group's aws_iam_group_policy_attachment, and a
// group the plan does not define.
func TestPlanGroups(t *testing.T) {
	const plan = `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_user.dev","mode":"managed","type":"aws_iam_user","values":{"name":"dev"}},
 {"address":"aws_iam_user_policy.dev","mode":"managed","type":"aws_iam_user_policy","values":{"user":"dev",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_group.ops","mode":"managed","type":"aws_iam_group","values":{"name":"ops"}},
 {"address":"aws_iam_group.qa","mode":"managed","type":"aws_iam_group","values":{"name":"qa"}},
 {"address":"aws_iam_group_policy.ops","mode":"managed","type":"aws_iam_group_policy","values":{"group":"ops",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_group_policy_attachment.qa","mode":"managed","type":"aws_iam_group_policy_attachment","values":{"group":"qa",
  "policy_arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
 {"address":"aws_iam_user_group_membership.dev","mode":"managed","type":"aws_iam_user_group_membership","values":{"user":"dev","groups":["ops","elsewhere"]}},
 {"address":"aws_iam_user.later","mode":"managed","type":"aws_iam_user","values":{"name":"later"}},
 {"address":"aws_iam_user_policy.later","mode":"managed","type":"aws_iam_user_policy","values":{"user":"later",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_user_group_membership.later","mode":"managed","type":"aws_iam_user_group_membership","values":{"user":"later"}},
 {"address":"aws_iam_group_membership.qa","mode":"managed","type":"aws_iam_group_membership","values":{"group":"qa","users":["dev","ghost"]}}
]}}}`
	ps := readString(t, "plan.json", plan)
	for id, want := range map[string][]string{
		"aws_iam_user_policy.dev": {
			"user dev via group ops: plan.json#aws_iam_group_policy.ops @ aws_iam_group_policy.ops",
			"user dev via group elsewhere: the policies of group elsewhere @ aws_iam_user_group_membership.dev.groups[1]",
			"user dev via group qa: arn:aws:iam::aws:policy/ReadOnlyAccess @ aws_iam_group_policy_attachment.qa.policy_arn",
		},
		// Its groups are known only after apply, and the configuration names none.
		"aws_iam_user_policy.later": {
			"user later via group (a name known only after apply): the policies of group (a name known only after apply) @ aws_iam_user_group_membership.later.groups",
		},
		"aws_iam_group_policy.ops": {
			"user dev via : plan.json#aws_iam_user_policy.dev @ aws_iam_user_policy.dev",
			"user dev via group elsewhere: the policies of group elsewhere @ aws_iam_user_group_membership.dev.groups[1]",
			"user dev via group qa: arn:aws:iam::aws:policy/ReadOnlyAccess @ aws_iam_group_policy_attachment.qa.policy_arn",
		},
	} {
		if got := bundled(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
}
