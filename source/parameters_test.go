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
