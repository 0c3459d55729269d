package properties_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// A policy file and its spec (found by convention, else the built-in default),
// checked with a seeded budget: what iamfuzz check does for each file.
func ExampleLoadTarget() {
	t, err := properties.LoadTarget("../corpus/policies/003-blog-self-manage-mfa.json")
	if err != nil {
		fmt.Println(err) // wraps properties.ErrBadInput
		return
	}
	rep := t.Run(context.Background(), properties.Options{Seed: 1, Checks: 2000})
	fmt.Println("spec:", t.Spec.Name())
	fmt.Println("failed:", rep.Failed())
	for _, v := range rep.Findings {
		fmt.Println(v.Severity, v.Invariant, v.Request.Action, v.Decision, errors.Is(v, properties.ErrLiveness))
	}
	// Output:
	// spec: built-in default (self-manage credentials, modelled on AWS's example)
	// failed: true
	// error liveness iam:GetUser explicitDeny true
	// warning liveness iam:ChangePassword implicitDeny true
	// note liveness sts:GetSessionToken explicitDeny true
}

// The invariants are plain functions of (spec, policy, request, result).
func ExampleMFAGateCheck() {
	t, err := properties.LoadTarget("../corpus/policies/001-self-manage-no-mfa.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := model.NewRequest("arn:aws:iam::111122223333:user/alice", "iam:ListAccountAliases", "*", nil)
	res := t.Decide(r)
	if v := properties.MFAGateCheck(t.Spec, t.Policy, r, &res); v != nil {
		fmt.Println(v.Reason)
	}
	// Output:
	// iam:ListAccountAliases is allowed without MFA (aws:MultiFactorAuthPresent absent, as with a long-term access key) by statement AllowAllUsersToListAccounts; it is not in the MFA allow-list
}

// Under go test -fuzz, the fuzzer's bytes are the generator's choices.
func ExampleTarget_FuzzBytes() {
	fuzz := func(f *testing.F) {
		target, err := properties.LoadTarget("policies/self-manage.json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte{})
		f.Fuzz(func(t *testing.T, data []byte) {
			if v := target.FuzzBytes(data); v != nil {
				t.Fatal(target.Describe(v))
			}
		})
	}
	_ = fuzz
}
