package partition

import (
	"context"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// A caller's name written into a resource or a condition value by
// ${aws:username} meets the policy's other patterns: user/${aws:username} is,
// for svc-a, inside a Deny's user/svc-*. The callers must include one whose
// name the static pattern catches, or no class ever shows the deny
// (corpus/examples/heldout/brk-deny-notresource-svc-users.json).
func TestNameSplitByStaticPatterns(t *testing.T) {
	for _, tc := range []struct{ name, allow, deny, action string }{
		{"resource",
			`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`,
			`{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/svc-*"}`, "s3:GetObject"},
		{"resource infix",
			`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/team-${aws:username}"}`,
			`{"Effect":"Deny","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/team-a*x"}`, "iam:GetUser"},
		{"not resource",
			`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}`,
			`{"Effect":"Deny","Action":"iam:GetUser","NotResource":"arn:aws:iam::111122223333:user/*admin*"}`, "iam:GetUser"},
		{"condition value",
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}`,
			`{"Effect":"Deny","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/adm*"}}}`, "s3:ListBucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := mustParse(t, `{"Version":"2012-10-17","Statement":[`+tc.allow+`,`+tc.deny+`]}`)
			p := &Problem{Policies: []*model.Policy{pol}, Catalog: catalog.MustLoad()}
			b := &model.Bundle{Identity: []*model.Compiled{model.Compile(pol)}}
			grant := &model.Bundle{Identity: []*model.Compiled{model.Compile(mustParse(t, `{"Version":"2012-10-17","Statement":[`+tc.allow+`]}`))}}
			// allowed: the grant holds and the deny lets it; denied: the
			// deny takes away what the grant gives.
			var allowed, denied bool
			cov := Enumerate(context.Background(), p, func(c *Class) bool {
				if c.Principal.Kind != UserPrincipal || c.Action != tc.action {
					return true
				}
				r, err := model.NewRequest(c.Principal.ARN(), c.Action, c.Resource, c.Context)
				if err != nil {
					t.Fatal(err)
				}
				if model.Decide(grant, r).Decision != model.Allowed {
					return true
				}
				switch model.Decide(b, r).Decision {
				case model.Allowed:
					allowed = true
				case model.ExplicitDeny:
					denied = true
				}
				return true
			})
			if !allowed || !denied {
				t.Errorf("allowed %v, denied %v: want a caller whose own resource the deny catches and one it does not", allowed, denied)
			}
			if !cov.Exact() {
				t.Errorf("not exact: %v", cov.Unknown)
			}
		})
	}
}

// A pattern that writes the name twice is not divided exactly: the proof must
// say so.
func TestNameSplitTwiceIsUnknown(t *testing.T) {
	pol := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/${aws:username}/${aws:username}"},
		{"Effect":"Deny","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/a*"}]}`)
	cov := Enumerate(context.Background(), &Problem{Policies: []*model.Policy{pol}, Catalog: catalog.MustLoad()}, func(*Class) bool { return true })
	if cov.Exact() {
		t.Error("a resource writing ${aws:username} twice was reported covered exactly")
	}
}

// An account pattern with a wildcard (arn:aws:iam::9*:user/*) treats callers of
// the accounts it matches apart: their own users are inside it, everyone
// else's are in another account (corpus/examples/heldout/brk-accesskeys-account-prefix.json).
func TestAccountSplitByStaticPatterns(t *testing.T) {
	pol := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::9*:user/*"}]}`)
	p := &Problem{Policies: []*model.Policy{pol}, Catalog: catalog.MustLoad()}
	b := &model.Bundle{Identity: []*model.Compiled{model.Compile(pol)}}
	sameAccount := false
	Enumerate(context.Background(), p, func(c *Class) bool {
		if c.Action != "iam:CreateAccessKey" || !strings.Contains(c.Resource, ":"+c.Principal.Account+":") {
			return true
		}
		r, err := model.NewRequest(c.Principal.ARN(), c.Action, c.Resource, c.Context)
		if err != nil {
			t.Fatal(err)
		}
		if model.Decide(b, r).Decision == model.Allowed {
			sameAccount = true
		}
		return true
	})
	if !sameAccount {
		t.Error("no caller in a 9… account was drawn: the grant on its own account's users was never decided")
	}
}
