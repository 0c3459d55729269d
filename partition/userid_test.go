package partition

import (
	"context"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// An IAM user's aws:userid is not part of its ARN (docs/semantics.md §6.1, §13
// derived-unique-id): a deny that exempts callers by a unique-ID pattern must
// give users a class whose ID lies in the exempt pattern and one whose ID lies
// outside it, each deciding as the model decides that ID. The corpus case is
// corpus/examples/heldout/brk-deny-exempts-userid-prefix.json.
func TestUserIDDividedForUsers(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"},
		{"Effect":"Deny","Action":"iam:GetUser","Resource":"*","Condition":{"StringNotLike":{"aws:userid":"AIDAEXEMPT*"}}}]}`
	pol := mustParse(t, doc)
	p := &Problem{Policies: []*model.Policy{pol}, Catalog: catalog.MustLoad()}
	b := &model.Bundle{Identity: []*model.Compiled{model.Compile(pol)}}
	var exempt, denied bool
	cov := Enumerate(context.Background(), p, func(c *Class) bool {
		if c.Principal.Kind != UserPrincipal || c.Action != "iam:GetUser" {
			return true
		}
		v, given := c.Context["aws:userid"]
		if given && (len(v.Values) != 1 || !strings.HasPrefix(v.Values[0], model.UserIDPrefix) || len(v.Values[0]) != len(model.UserIDPrefix)+model.UniqueIDTail) {
			t.Errorf("a user's aws:userid witness %v is not a unique ID", v.Values)
		}
		r, err := model.NewRequest(c.Principal.ARN(), c.Action, c.Resource, c.Context)
		if err != nil {
			t.Fatal(err)
		}
		switch model.Decide(b, r).Decision {
		case model.Allowed:
			exempt = true
		case model.ExplicitDeny:
			denied = true
		}
		return true
	})
	if !exempt {
		t.Error("no user class has an aws:userid in the exempt pattern AIDAEXEMPT*")
	}
	if !denied {
		t.Error("no user class has an aws:userid outside the exempt pattern")
	}
	// Role sessions and federated users are not divided: never proved.
	if cov.Exact() {
		t.Error("aws:userid conditions were reported covered exactly for every kind of caller")
	}
}
