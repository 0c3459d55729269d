package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// A line of the wrong shape says what it is and what was expected: a
// pretty-printed policy given to eval reads as a lone "{" and lines such as
// `"Version": "2012-10-17",`, which said "the line ends in the middle of a JSON
// value" and "unexpected a string".
func TestCaseLineShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		line string
		kind *model.Kind
		want string
	}{
		{`{`, model.ErrSyntax, `the line is "{" alone: a case is one JSON object on one line`},
		{`"Version": "2012-10-17",`, model.ErrInvalidType, "a string, not a case: a case is one JSON object on one line"},
		{`[1]`, model.ErrInvalidType, "a list, not a case"},
		{`{"id":"x","request":"abc"}`, model.ErrInvalidType, "request: a string where an object was expected"},
		{`{"id":5}`, model.ErrInvalidType, "id: a number where a string was expected"},
		{`{"policies":[]}`, model.ErrInvalidType, "policies: a list where an object was expected"},
	} {
		_, err := model.ParseCase([]byte(tc.line))
		if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s: %s", tc.line, err, tc.kind, tc.want)
		}
	}
}

// The policy type reads as English in the Principal error ("an identity policy",
// "an SCP"), not "a identity policy".
func TestPrincipalErrorNamesType(t *testing.T) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)
	for typ, want := range map[model.PolicyType]string{model.IdentityPolicy: "an identity policy must not", model.SCPPolicy: "an SCP must not", model.BoundaryPolicy: "a permissions boundary must not"} {
		_, err := model.Parse(doc, typ)
		if !errors.Is(err, model.ErrPrincipalInIdentity) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", typ, err, want)
		}
	}
}
