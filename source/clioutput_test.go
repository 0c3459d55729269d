package source

import (
	"errors"
	"strings"
	"testing"
)

// A policy saved as the AWS CLI prints it (aws iam get-policy-version ... >
// policy.json) is not taken for a policy, and the error says where the policy is
// in it and how to save it alone, instead of "not a policy (no Statement)".
func TestCLIOutputNamed(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	for _, tc := range []struct{ file, want string }{
		{`{"PolicyVersion":{"Document":` + doc + `,"VersionId":"v1","IsDefaultVersion":true}}`, "--query PolicyVersion.Document"},
		{`{"RoleName":"app","PolicyName":"inline","PolicyDocument":` + doc + `}`, "--query PolicyDocument"},
		{`{"Role":{"RoleName":"app","AssumeRolePolicyDocument":` + doc + `}}`, "--query Role.AssumeRolePolicyDocument"},
		{`{"Policy":` + quote(doc) + `}`, "--query Policy --output text"},
	} {
		_, err := Read("out.json", []byte(tc.file))
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "AWS CLI output") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want AWS CLI output and %s", tc.file, err, tc.want)
		}
	}
	if _, err := Read("package.json", []byte(`{"name":"x","Policy":"p","version":"1"}`)); err == nil || strings.Contains(err.Error(), "AWS CLI") {
		t.Errorf("package.json: %v", err)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
