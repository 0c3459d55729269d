package partition

import (
	"context"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Role sessions are drawn from roles with and without paths where an
// aws:PrincipalArn pattern tells them apart, in each account the policy names,
// and a session of a role with a path carries its role's ARN as
// aws:PrincipalArn (rolepath.go).
func TestRoleSessionsDrawnWithPaths(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*",
		"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"}}}]}`
	p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: catalog.MustLoad(), Accounts: []string{"111122223333"}}
	type seen struct{ path, acct bool }
	var got seen
	cov := Enumerate(context.Background(), p, func(c *Class) bool {
		pr := c.Principal
		if pr.Kind != RoleSessionPrincipal {
			return true
		}
		arn, given := c.Context[keyPrincipalARN]
		switch {
		case pr.Path == "" && given:
			t.Fatalf("%+v: a role without a path needs no aws:PrincipalArn, got %v", pr, arn)
		case pr.Path != "" && (!given || arn.Values[0] != pr.RoleARN()):
			t.Fatalf("%+v: aws:PrincipalArn %v, want %s", pr, arn, pr.RoleARN())
		}
		if strings.HasPrefix(pr.Path, "aws-reserved/sso.amazonaws.com/") {
			got.path = true
		}
		if pr.Account == "111122223333" {
			got.acct = true
		}
		return true
	})
	if !cov.Exact() {
		t.Fatalf("not exact: %v", cov.Unknown)
	}
	if !got.path || !got.acct {
		t.Errorf("role sessions drawn: Identity Center path %v, account 111122223333 %v; want both", got.path, got.acct)
	}
}
