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
