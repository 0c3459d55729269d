package source

import (
	"slices"
	"testing"
)

// siblings names the policies written in the file that are checked with p,
// with the path and line they are placed at.
func siblings(p *Policy) []string {
	var out []string
	for _, a := range p.Attached {
		if a.Inline {
			out = append(out, a.Principal+": "+a.Name()+" @ "+a.Path+" "+a.Pos.String())
		}
	}
	return out
}

// A principal's policies written in a template are checked with one another
// (AWS decides with all of them at once): a user's Policies, an
// AWS::IAM::Policy naming a group; a policy of two principals whose other
// policies differ has no bundle.
func TestTemplatePrincipalPolicies(t *testing.T) {
	const tpl = `
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
        - PolicyName: b
          PolicyDocument: {Statement: [{Effect: Deny, Action: s3:PutObject, Resource: "*"}]}
  Ops:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: c
          PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
  GroupPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: d
      Groups: [!Ref Ops]
      PolicyDocument: {Statement: [{Effect: Deny, Action: sqs:DeleteQueue, Resource: "*"}]}
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: e
      Users: [!Ref Dev, !Ref Solo]
      PolicyDocument: {Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}
  Solo:
    Type: AWS::IAM::User
`
	ps := readString(t, "t.yaml", tpl)
	for id, want := range map[string][]string{
		"Dev.Policies[0]": {
			"user Dev: t.yaml#Dev.Policies[1] @ Resources.Dev.Properties.Policies[1].PolicyDocument 10:27",
			"user Dev: t.yaml#Shared @ Resources.Shared.Properties.PolicyDocument 28:23",
		},
		"Ops.Policies[0]": {"group Ops: t.yaml#GroupPolicy @ Resources.GroupPolicy.Properties.PolicyDocument 22:23"},
		"GroupPolicy":     {"group Ops: t.yaml#Ops.Policies[0] @ Resources.Ops.Properties.Policies[0].PolicyDocument 16:27"},
	} {
		if got := siblings(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
	if atts, why := byID(t, ps, "Shared").AttachedBundle(); atts != nil || why == "" {
		t.Errorf("Shared: AttachedBundle %v %q, want none and a reason (Dev has other policies, Solo none)", atts, why)
	}
}

// In a plan, a role's inline_policy blocks and its aws_iam_role_policy are
// checked with one another, and a group's aws_iam_group_policy with the
// group's others; each is named by its address.
func TestPlanPrincipalPolicies(t *testing.T) {
	const plan = `{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","values":{"name":"app",
  "assume_role_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}",
  "inline_policy":[{"name":"in","policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}]}},
 {"address":"aws_iam_role_policy.app","mode":"managed","type":"aws_iam_role_policy","values":{"role":"app",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_group.ops","mode":"managed","type":"aws_iam_group","values":{"name":"ops"}},
 {"address":"aws_iam_group_policy.a","mode":"managed","type":"aws_iam_group_policy","values":{"group":"ops",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"}},
 {"address":"aws_iam_group_policy.b","mode":"managed","type":"aws_iam_group_policy","values":{"group":"ops",
  "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"}}
]}}}`
	ps := readString(t, "plan.json", plan)
	for id, want := range map[string][]string{
		"aws_iam_role.app.inline_policy[\"in\"]": {"role app: plan.json#aws_iam_role_policy.app @ aws_iam_role_policy.app 6:12"},
		"aws_iam_role_policy.app":                {"role app: plan.json#aws_iam_role.app.inline_policy[\"in\"] @ aws_iam_role.app.inline_policy[\"in\"] 4:42"},
		"aws_iam_group_policy.b":                 {"group ops: plan.json#aws_iam_group_policy.a @ aws_iam_group_policy.a 9:12"},
	} {
		if got := siblings(byID(t, ps, id)); !slices.Equal(got, want) {
			t.Errorf("%s checked with\n%q\nwant\n%q", id, got, want)
		}
	}
}
