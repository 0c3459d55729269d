package model_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// resetCases are requests of every principal kind, resources with and without
// accounts, role and KMS resources (resource policy must allow), principal keys
// given in the context, and malformed requests.
var resetCases = []struct {
	principal, action, resource, resourceAccount string
	ctx                                          map[string]model.ContextValue
}{
	{"arn:aws:iam::111122223333:user/alice", "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", "", nil},
	{"arn:aws:iam::111122223333:user/dev/alice", "IAM:getuser", "*", "", map[string]model.ContextValue{"aws:MultiFactorAuthPresent": model.Single("true"), "aws:MultiFactorAuthAge": model.Single("120")}},
	{"arn:aws:sts::111122223333:assumed-role/dev/s1", "sts:AssumeRole", "arn:aws:iam::111122223333:role/dev", "", nil},
	{"arn:aws:sts::444455556666:federated-user/bob", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1", "", nil},
	{"arn:aws:iam::111122223333:root", "s3:GetObject", "arn:aws:s3:::bucket/key", "444455556666", nil},
	{"arn:aws:iam::111122223333:role/admin", "s3:ListAllMyBuckets", "*", "444455556666", map[string]model.ContextValue{"aws:username": model.Single("mallory")}},
	{"arn:aws:iam::111122223333:user/alice", "iam:GetUser", "arn:aws:iam::111122223333:user/alice", "", map[string]model.ContextValue{"aws:SourceIp": model.Single("203.0.113.9"), "AWS:sourceip": model.Single("198.51.100.7")}},
	{"arn:aws:iam::111122223333:user/alice", "iam:*", "*", "", nil},
	{"arn:aws:iam::111122223333:user/alice", "iam:GetUser", "user/alice", "", nil},
	{"arn:aws:sts::111122223333:assumed-role/dev", "iam:GetUser", "*", "", nil},
	{"arn:aws:iam::111122223333:user/alice", "iam:GetUser", "*", "", map[string]model.ContextValue{"nocolon": model.Single("x")}},
}

// describe renders everything a request exposes, derived keys included.
func describe(r *model.Request, err error) string {
	if err != nil {
		// The field only: which of two duplicate keys is named depends on map order.
		field, _, _ := strings.Cut(err.Error(), ":")
		return "error in " + field
	}
	s := fmt.Sprintf("%q %q %q %q %v %q %q %q", r.Principal, r.Action, r.Resource, r.ResourceAccount,
		r.PrincipalType(), r.Account(), r.ResourceAccountID(), r.Username())
	for _, k := range []string{"aws:username", "aws:userid", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:SourceIp", "aws:MultiFactorAuthPresent"} {
		v, ok := r.Value(k)
		s += fmt.Sprintf(" %s=%v/%v", k, ok, v)
	}
	return s
}

// TestResetIsNewRequest: a request reset over and over, in any order of cases,
// is the request NewRequestIn builds, and decides the same.
func TestResetIsNewRequest(t *testing.T) {
	bundle := mustBundle(t, "../corpus/policies/000-aws-mfa-self-manage.json")
	var e model.Evaluator
	var reused model.Request
	for round := range 3 {
		for i := range resetCases {
			c := resetCases[(i*7+round)%len(resetCases)]
			fresh, ferr := model.NewRequestIn(c.principal, c.action, c.resource, c.resourceAccount, c.ctx)
			rerr := reused.Reset(c.principal, c.action, c.resource, c.resourceAccount, c.ctx)
			want, got := describe(fresh, ferr), describe(&reused, rerr)
			if got != want {
				t.Fatalf("round %d, case %d:\nReset:      %s\nNewRequest: %s", round, i, got, want)
			}
			if ferr != nil {
				continue
			}
			var a, b model.Result
			e.Decide(bundle, fresh, &a)
			e.Decide(bundle, &reused, &b)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("case %d decides %+v after Reset, %+v after NewRequest", i, b, a)
			}
		}
	}
}

// TestResetDoesNotAllocate: once a request has seen its inputs, resetting it to
// them again (what check does for every probe) allocates nothing.
func TestResetDoesNotAllocate(t *testing.T) {
	var r model.Request
	ok := resetCases[:7]
	for _, c := range ok {
		if err := r.Reset(c.principal, c.action, c.resource, c.resourceAccount, c.ctx); err != nil && c.ctx["AWS:sourceip"].Values == nil {
			t.Fatal(err)
		}
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		c := ok[i%6]
		_ = r.Reset(c.principal, c.action, c.resource, c.resourceAccount, c.ctx)
		i++
	})
	if allocs != 0 {
		t.Errorf("Reset allocates %.2f times per request in steady state", allocs)
	}
}
