package source

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const paramTemplate = `
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod]}
  Bucket: {Type: String}
  Names: {Type: CommaDelimitedList, Default: "a"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: !If [IsProd, "s3:GetObject", "s3:*"]
            Resource: !Sub "arn:aws:s3:::${Bucket}/*"
          - Effect: Allow
            Action: iam:GetUser
            Resource: !Split [",", !Join [",", !Ref Names]]
`

// A Reader's parameter values take the place of defaults in Ref, Fn::Sub and
// conditions, are noted, mark the policy as Given, and are checked against
// AllowedValues; names no template declares are reported.
func TestReaderParameters(t *testing.T) {
	ps, err := Read("t.yaml", []byte(paramTemplate))
	if err != nil || len(ps) != 1 || !errors.Is(ps[0].Err, ErrUnresolved) || ps[0].Given {
		t.Fatalf("without values: %v, %+v", err, ps)
	}
	rd := &Reader{Parameters: map[string]string{"Env": "prod", "Bucket": "b1", "Names": "x, y", "Other": "1"}}
	ps, err = rd.Read("t.yaml", []byte(paramTemplate))
	if err != nil || len(ps) != 1 || ps[0].Err != nil {
		t.Fatalf("with values: %v, %+v", err, ps)
	}
	p := ps[0]
	for _, want := range []string{`"Action":"s3:GetObject"`, `"Resource":"arn:aws:s3:::b1/*"`, `"Resource":["x","y"]`} {
		if !strings.Contains(string(p.Doc), want) {
			t.Errorf("document %s lacks %s", p.Doc, want)
		}
	}
	if !p.Given || !slices.Contains(p.Notes, `parameter Env is "prod", the value given for it`) || !slices.Contains(p.Notes, `parameter Bucket is "b1", the value given for it`) {
		t.Errorf("given %v, notes %q", p.Given, p.Notes)
	}
	if u, d := rd.Undeclared(), rd.Declared(); !slices.Equal(u, []string{"Other"}) || !slices.Equal(d, []string{"Bucket", "Env", "Names"}) {
		t.Errorf("undeclared %v, declared %v", u, d)
	}
	_, err = (&Reader{Parameters: map[string]string{"Env": "test"}}).Read("t.yaml", []byte(paramTemplate))
	if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "AllowedValues (dev, prod)") {
		t.Errorf("Env=test: %v, want a template error naming the allowed values", err)
	}
}

// SAM Policies: one document, or a list of documents, managed policy names and
// policy templates, also behind an Fn::If; the documents are identity policies
// named by logical id and position, the rest noted.
func TestSAMPolicies(t *testing.T) {
	const tpl = `
Transform: AWS::Serverless-2016-10-31
Conditions:
  Always: !Equals [a, a]
Resources:
  One:
    Type: AWS::Serverless::Function
    Properties:
      Policies: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Many:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies:
        - AmazonS3ReadOnlyAccess
        - {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
        - S3ReadPolicy: {BucketName: b}
  Chosen:
    Type: AWS::Serverless::Function
    Properties:
      Policies: !If [Always, [{Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]}], []]
  ManagedOnly:
    Type: AWS::Serverless::Function
    Properties:
      Policies: AWSLambdaBasicExecutionRole
`
	ps := readString(t, "sam.yaml", tpl)
	var ids []string
	for _, p := range ps {
		if p.Err != nil || p.Kind != Identity {
			t.Errorf("%s: %v, kind %s", p.Name, p.Err, p.Kind)
		}
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{"One.Policies", "Many.Policies[1]", "Chosen.Policies[0]"}) {
		t.Fatalf("policies %v", ids)
	}
	if !slices.Contains(ps[1].Notes, "SAM attaches managed policy AmazonS3ReadOnlyAccess, SAM policy template S3ReadPolicy to Many's role as well; iamfuzz checks this document alone") {
		t.Errorf("notes %q", ps[1].Notes)
	}
	if !strings.Contains(string(ps[2].Doc), "sns:Publish") {
		t.Errorf("the Fn::If branch: %s", ps[2].Doc)
	}
}
