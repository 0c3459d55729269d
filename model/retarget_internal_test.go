package model

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestRetargetIsReset: over random sequences of requests where the caller, the
// context, the action and the resource each change or not, a request that is
// retargeted whenever only the action and the resource changed (Retarget) and
// otherwise Reset (which keeps an unchanged principal's parse, and an unchanged
// action and resource's derivations) ends in exactly
// the state NewRequestIn builds from scratch: every field, derived keys and
// resolved context included, so every decision is the same. A cheap path that
// forgets to re-derive something shows up here as a differing field.
func TestRetargetIsReset(t *testing.T) {
	principals := []string{
		"arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:user/dev/bob",
		"arn:aws:sts::111122223333:assumed-role/dev/s1",
		"arn:aws:sts::444455556666:federated-user/carol",
		"arn:aws:iam::111122223333:root",
		"arn:aws:iam::444455556666:role/admin",
		"arn:aws:sts::111122223333:assumed-role/dev", // malformed
	}
	actions := []string{"iam:ChangePassword", "IAM:getuser", "sts:AssumeRole", "kms:Decrypt",
		"s3:GetObject", "sts:GetCallerIdentity", "iam:*"}
	resources := []string{"*", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/dev",
		"arn:aws:kms:us-east-1:444455556666:key/k1", "arn:aws:s3:::bucket/key", "arn:aws:iam::aws:policy/ReadOnlyAccess",
		"user/alice", "arn:aws:iam::111122223333:user/\xff"}
	accounts := []string{"", "444455556666", "111122223333"}
	contexts := []map[string]ContextValue{
		nil,
		{"aws:MultiFactorAuthPresent": Single("true"), "aws:MultiFactorAuthAge": Single("120")},
		{"aws:username": Single("mallory"), "aws:PrincipalAccount": Single("999988887777")},
		{"aws:userid": Single("AIDAX"), "aws:sourceip": Multi("203.0.113.9", "198.51.100.7")},
		{"aws:SourceIp": Single("203.0.113.9"), "AWS:sourceip": Single("198.51.100.7")}, // duplicate
		{"nocolon": Single("x")}, // malformed
	}
	rng := rand.New(rand.NewPCG(15, 15))
	pick := func(n int) int { return rng.IntN(n) }
	var r Request
	p, a, res, acct, ctx := principals[0], actions[0], resources[0], accounts[0], 0
	retargets := 0
	for step := range 20000 {
		sameCaller := rng.IntN(3) > 0
		if !sameCaller {
			p = principals[pick(len(principals))]
		}
		if rng.IntN(4) == 0 {
			ctx, sameCaller = pick(len(contexts)), false
		}
		if rng.IntN(3) == 0 {
			a = actions[pick(len(actions))]
		}
		if rng.IntN(3) > 0 {
			res, acct = resources[pick(len(resources))], accounts[pick(len(accounts))]
		}
		var err error
		if sameCaller && step > 0 {
			err = r.Retarget(a, res, acct)
			retargets++
		} else {
			err = r.Reset(p, a, res, acct, contexts[ctx])
		}
		fresh, ferr := NewRequestIn(p, a, res, acct, contexts[ctx])
		if (err == nil) != (ferr == nil) {
			t.Fatalf("step %d: error %v, from scratch %v", step, err, ferr)
		}
		if err != nil {
			continue
		}
		got, want := r, *fresh
		got.memo, want.memo = nil, nil
		if len(got.ctx) == 0 {
			got.ctx = nil
		}
		if len(want.ctx) == 0 {
			want.ctx = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d (%q %q %q %q, context %d):\nreused:       %+v\nfrom scratch: %+v", step, p, a, res, acct, ctx, got, want)
		}
	}
	if retargets < 5000 {
		t.Fatalf("only %d retargets: the test does not exercise Retarget", retargets)
	}
}
