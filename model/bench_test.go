package model_test

import (
	"fmt"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// benchRequests builds n varied requests against the AWS self-manage policy: own
// and other users, pathed users, roles, MFA absent/false/true, listed and unlisted
// actions.
func benchRequests(tb testing.TB, n int) []*model.Request {
	principals := []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob",
		"arn:aws:iam::111122223333:user/dev/alice", "arn:aws:sts::111122223333:assumed-role/dev/s1", "arn:aws:iam::444455556666:user/alice2"}
	actions := []string{"iam:ChangePassword", "iam:GetUser", "iam:CreateAccessKey", "iam:EnableMFADevice", "iam:ListVirtualMFADevices",
		"iam:CreateVirtualMFADevice", "s3:ListAllMyBuckets", "ec2:DescribeInstances", "sts:GetSessionToken", "iam:DeactivateMFADevice", "IAM:getuser"}
	resources := []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", "*",
		"arn:aws:iam::111122223333:mfa/alice-phone", "arn:aws:iam::111122223333:user/dev/alice", "arn:aws:s3:::bucket/key"}
	mfas := []map[string]model.ContextValue{nil, mfa("false"), mfa("true"),
		{"aws:MultiFactorAuthPresent": model.Single("true"), "aws:MultiFactorAuthAge": model.Single("120")}}
	out := make([]*model.Request, 0, n)
	for i := 0; len(out) < n; i++ {
		r, err := model.NewRequest(principals[i%len(principals)], actions[(i/3)%len(actions)], resources[(i/7)%len(resources)], mfas[(i/2)%len(mfas)])
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkDecide measures one decision of the AWS self-manage policy over 1,000
// varied requests. Target: ≤ 300 ns and 0 allocations per decision.
func BenchmarkDecide(b *testing.B) {
	bundle := mustBundle(b, "../corpus/policies/000-aws-mfa-self-manage.json")
	reqs := benchRequests(b, 1000)
	var e model.Evaluator
	var res model.Result
	for _, r := range reqs { // grow the scratch buffers: steady state
		e.Decide(bundle, r, &res)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Decide(bundle, reqs[i%len(reqs)], &res)
	}
}

// TestDecideDoesNotAllocate holds the zero-allocation property (not a timing).
func TestDecideDoesNotAllocate(t *testing.T) {
	bundle := mustBundle(t, "../corpus/policies/000-aws-mfa-self-manage.json")
	reqs := benchRequests(t, 1000)
	var e model.Evaluator
	var res model.Result
	for _, r := range reqs {
		e.Decide(bundle, r, &res)
	}
	i := 0
	allocs := testing.AllocsPerRun(2000, func() {
		e.Decide(bundle, reqs[i%len(reqs)], &res)
		i++
	})
	if allocs != 0 {
		t.Errorf("a decision allocates %.2f times in steady state", allocs)
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, f := range []string{"000-aws-mfa-self-manage.json", "003-blog-self-manage-mfa.json"} {
		b.Run(f, func(b *testing.B) {
			bundle := mustBundle(b, "../corpus/policies/"+f)
			data := bundle.Identity[0].Policy.Marshal()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := model.CompileText(data, model.IdentityPolicy); err != nil {
					b.Fatal(fmt.Sprint(err))
				}
			}
		})
	}
}

// TestDecideDoesNotAllocateOperators extends the zero-allocation property to every
// operator family whose request values must be parsed at decision time.
func TestDecideDoesNotAllocateOperators(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
		"BinaryEquals":{"a:bin":"YSBiaW5hcnkgY29udGV4dCB2YWx1ZSBsb25nZXIgdGhhbiB0aGlydHktdHdvIGJ5dGVz"},"NumericLessThan":{"a:num":"10"},"DateGreaterThan":{"a:date":"2019-01-01T00:00:00Z"},
		"IpAddress":{"a:ip":"203.0.113.0/24"},"ArnLike":{"a:arn":"arn:aws:iam::*:user/${aws:username}"},"StringLike":{"a:s":"x*"},"Bool":{"a:b":"true"}}}}`
	c, err := model.CompileText([]byte(doc), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	b := &model.Bundle{Identity: []*model.Compiled{c}}
	r, err := model.NewRequest("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*", map[string]model.ContextValue{
		"a:bin": model.Single("YSBiaW5hcnkgY29udGV4dCB2YWx1ZSBsb25nZXIgdGhhbiB0aGlydHktdHdvIGJ5dGVz"), "a:num": model.Single("3"), "a:date": model.Single("2020-05-01T00:00:00Z"),
		"a:ip": model.Single("203.0.113.9"), "a:arn": model.Single("arn:aws:iam::111122223333:user/alice"), "a:s": model.Single("xy"), "a:b": model.Single("true")})
	if err != nil {
		t.Fatal(err)
	}
	var e model.Evaluator
	var res model.Result
	e.Decide(b, r, &res)
	if res.Decision != model.Allowed {
		t.Fatalf("every condition should hold: %s", res.Decision)
	}
	if allocs := testing.AllocsPerRun(1000, func() { e.Decide(b, r, &res) }); allocs != 0 {
		t.Errorf("a decision with every operator family allocates %.2f times", allocs)
	}
}
