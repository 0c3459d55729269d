package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// denyWithVariables is a policy that allows s3:GetObject everywhere and denies it on
// a resource written with n copies of ${aws:username}.
func denyWithVariables(n int, where string) string {
	v := strings.Repeat("${aws:username}", n)
	deny := `{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/` + v + `"}`
	if where == "condition" {
		deny = `{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"s3:prefix":"` + v + `"}}}`
	}
	return stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},` + deny)
}

// TestVariableCountCap: a pattern stores variable i as a 16-bit code, so past
// 65,023 variables the code wrapped into a literal byte and the Deny was skipped.
// Values with more than MaxVariables variables are rejected; up to the cap the
// decision is right.
func TestVariableCountCap(t *testing.T) {
	for _, where := range []string{"resource", "condition"} {
		for _, n := range []int{model.MaxVariables + 1, 65024 + 1} {
			_, err := model.Parse([]byte(denyWithVariables(n, where)), model.IdentityPolicy)
			if !errors.Is(err, model.ErrTooLarge) {
				t.Errorf("%s with %d variables: err = %v, want kind %s", where, n, err, model.ErrTooLarge.Name())
			}
		}
	}
	for _, where := range []string{"resource", "condition"} {
		c, err := model.CompileText([]byte(denyWithVariables(model.MaxVariables, where)), model.IdentityPolicy)
		if err != nil {
			t.Fatalf("%s with %d variables: %v", where, model.MaxVariables, err)
		}
		ctx := map[string]model.ContextValue{"aws:username": model.Single("a"), "s3:prefix": model.Single(strings.Repeat("a", model.MaxVariables))}
		r, err := model.NewRequest("arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/"+strings.Repeat("a", model.MaxVariables), ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := model.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, r); got.Decision != model.ExplicitDeny {
			t.Errorf("%s with %d variables: decision %s, want %s", where, model.MaxVariables, got.Decision, model.ExplicitDeny)
		}
	}
}
