// Package policies is an example of a user's repository that checks its own IAM
// policies with iamfuzz under go test and go test -fuzz.
package policies

import (
	"flag"
	"testing"

	"github.com/iamfuzz/iamfuzz"
)

// -policies lets the same tests run on another folder, e.g. the planted bypass:
//
//	go test -run '^TestPolicies$' -policies testdata/bypass/
//	go test -run '^$' -fuzz '^FuzzPolicies$' -fuzztime 60s -policies testdata/bypass/
var policies = flag.String("policies", "policies/", "policy files or folders to check")

func TestPolicies(t *testing.T) { iamfuzz.Check(t, *policies) }

func FuzzPolicies(f *testing.F) { iamfuzz.Fuzz(f, *policies) }
