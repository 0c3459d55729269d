package partition

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
)

// Walking only the templates templateOrder picks visits the same classes, with
// the same witnesses, in the same order as walking every template of every
// group: the templates it leaves out would each have found their walk done.
func TestTemplateOrderKeepsClasses(t *testing.T) {
	docs := []string{
		`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["iam:*AccessKey*","iam:GetUser"],"Resource":"arn:aws:iam::*:user/${aws:username}"},
			{"Effect":"Deny","NotAction":["iam:GetUser","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`,
		`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::bucket/*","arn:aws:*:*:111122223333:*"]},
			{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:iam::*:role/admin*"}]}`,
	}
	extra := func(pr Principal) []ResourcePred {
		return []ResourcePred{
			{Key: "own:" + pr.Account + pr.Name, Lang: Lit("arn:aws:iam::" + pr.Account + ":user/" + pr.Name), Service: "iam"},
			{Key: "bucket", Lang: Seq(Lit("arn:aws:s3:::"), Any(AnyByte)), Service: "s3"},
		}
	}
	cat := catalog.MustLoad()
	for i, doc := range docs {
		run := func(on bool) []string {
			templateOrderOn = on
			defer func() { templateOrderOn = true }()
			p := &Problem{Policies: []*model.Policy{mustParse(t, doc)}, Catalog: cat, Accounts: []string{"111122223333"}, Resources: extra}
			var out []string
			cov := Enumerate(context.Background(), p, func(c *Class) bool {
				out = append(out, fmt.Sprint(c.Principal, c.Action, c.Resource, c.Context))
				return true
			})
			out = append(out, fmt.Sprint(cov.Resources, cov.Contexts, cov.Unknown))
			return out
		}
		all, picked := run(false), run(true)
		if len(all) != len(picked) {
			t.Fatalf("policy %d: %d classes walking every template, %d walking those picked", i, len(all)-1, len(picked)-1)
		}
		for j := range all {
			if all[j] != picked[j] {
				t.Fatalf("policy %d, class %d: %s walking every template, %s walking those picked", i, j, all[j], picked[j])
			}
		}
	}
}

// arnField is the field of strings.SplitN that templateService and
// accountKind read.
func TestARNFieldIsSplitN(t *testing.T) {
	for _, s := range []string{"", ":", "a", "a:b", "a:b:c", "a:b:c:d", "arn:aws:iam::123:user/x", "arn:${Partition}:s3:::${BucketName}",
		"::::::", "a:b:c:d:e", "a:b:c:d:e:f:g", "arn:aws:iam::aws:policy/x:y"} {
		for n := 2; n <= 7; n++ {
			parts := strings.SplitN(s, ":", n)
			for i := range n - 1 {
				got, ok := arnField(s, i, n)
				if ok != (len(parts) == n) || ok && got != parts[i] {
					t.Errorf("arnField(%q, %d, %d) = %q, %v; SplitN: %q", s, i, n, got, ok, parts)
				}
			}
		}
	}
}
