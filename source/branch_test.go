package source

import (
	"errors"
	"slices"
	"testing"
)

// An Fn::If whose condition depends on a parameter without a default picks no
// branch: a Policies item so written is an error saying why (not a policy
// "without a PolicyDocument"), which makes its siblings unknown; a
// ManagedPolicyArns item so written is an attachment whose ARN is not known.
func TestUndecidedFnIf(t *testing.T) {
	const tpl = `
Parameters:
  Stage: {Type: String}
Conditions:
  Prod: !Equals [!Ref Stage, prod]
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns:
        - !If [Prod, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
        - !If
          - Prod
          - PolicyName: b
            PolicyDocument: {Statement: [{Effect: Deny, Action: s3:PutObject, Resource: "*"}]}
          - !Ref AWS::NoValue
`
	ps, err := Read("t.yaml", []byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Policy{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	b := byID["Dev.Policies[1]"]
	if b == nil || !errors.Is(b.Err, ErrUnresolved) {
		t.Fatalf("Dev.Policies[1]: %+v, want an unresolved error", b)
	}
	a := byID["Dev.Policies[0]"]
	if a == nil || a.Err != nil {
		t.Fatalf("Dev.Policies[0]: %+v", a)
	}
	var got []string
	for _, at := range a.Attached {
		got = append(got, at.Name()+" @ "+at.Path)
	}
	want := []string{
		"a managed policy whose ARN is not known (its ARN is known only at deployment) @ Resources.Dev.Properties.ManagedPolicyArns[0]",
		"t.yaml#Dev.Policies[1] @ Dev.Policies[1]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("checked beside Dev.Policies[0]: %q, want %q", got, want)
	}
}

// The template's own managed policy attached by its ARN — any account but
// "aws", its Path and ManagedPolicyName — is that policy, attached once with
// a Ref to it; another name or AWS's namespace is not.
func TestOwnManagedPolicyByARN(t *testing.T) {
	const tpl = `
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::123456789012:policy/team/p
        - !Ref P
        - arn:aws:iam::aws:policy/team/p
        - !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team/q"
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: p
      Path: /team/
      PolicyDocument: {Statement: [{Effect: Deny, Action: s3:PutObject, Resource: "*"}]}
`
	ps, err := Read("t.yaml", []byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.ID != "Dev.Policies[0]" {
			continue
		}
		var got []string
		for _, a := range p.Attached {
			got = append(got, a.Name()+" @ "+a.Path)
		}
		want := []string{
			"t.yaml#P @ Resources.Dev.Properties.ManagedPolicyArns[0]",
			"arn:aws:iam::aws:policy/team/p @ Resources.Dev.Properties.ManagedPolicyArns[2]",
			"arn:aws:iam::111122223333:policy/team/q @ Resources.Dev.Properties.ManagedPolicyArns[3]",
		}
		if !slices.Equal(got, want) {
			t.Errorf("checked beside Dev.Policies[0]: %q, want %q", got, want)
		}
		return
	}
	t.Fatal("no Dev.Policies[0]")
}
