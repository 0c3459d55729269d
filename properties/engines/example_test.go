package engines_test

import (
	"fmt"
	"testing"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/engines"
	"pgregory.net/rapid"
)

// Under go test, rapid draws and shrinks probes.
func ExampleRapidProperty() {
	check := func(t *testing.T) {
		target, err := properties.LoadTarget("policies/self-manage.json")
		if err != nil {
			t.Fatal(err)
		}
		rapid.Check(t, engines.RapidProperty(target))
	}
	_ = check
}

// For long runs: gopter's parallel workers and growing choice strings.
func ExampleRunGopter() {
	target, err := properties.LoadTarget("../../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, res := engines.RunGopter(target, engines.GopterOptions{Seed: 1, Workers: 2, Checks: 2000})
	fmt.Println(v == nil, res.Passed())
	// Output:
	// true true
}
