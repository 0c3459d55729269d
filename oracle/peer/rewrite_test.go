package peer

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// TestSplitOperator: operator names split into set, base and IfExists, and back.
func TestSplitOperator(t *testing.T) {
	for name, want := range map[string]conditionOp{
		"StringLike":                           {base: "StringLike"},
		"ForAnyValue:StringLikeIfExists":       {set: "ForAnyValue:", base: "StringLike", ifExists: true},
		"ForAllValues:NumericEquals":           {set: "ForAllValues:", base: "NumericEquals"},
		"BoolIfExist":                          {base: "BoolIfExist"},
		"ForAllValues:StringNotEqualsIfExists": {set: "ForAllValues:", base: "StringNotEquals", ifExists: true},
	} {
		if got := splitOperator(name); got != want || got.String() != name {
			t.Errorf("splitOperator(%s) = %+v (%s)", name, got, got.String())
		}
	}
}

// TestRewriteKeepsEveryPolicyType: an unchanged rewrite decides as the case does,
// whatever type decides it (an RCP's or an SCP level's Deny included), and
// wireLine sends every policy type.
func TestRewriteKeepsEveryPolicyType(t *testing.T) {
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`
	denyAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`
	for _, typ := range model.CaseTypes() {
		c := &model.Case{ID: typ.String(), Request: model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice",
			Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/k"}}
		must := func(ref model.PolicyRef, text string) {
			if err := c.Policies.Add(ref, jsontext.Value(text)); err != nil {
				t.Fatal(err)
			}
		}
		must(model.PolicyRef{Type: model.IdentityPolicy}, allow)
		switch typ {
		case model.IdentityPolicy, model.BoundaryPolicy, model.SCPPolicy:
			must(model.PolicyRef{Type: typ}, deny)
		case model.ResourcePolicy, model.RCPPolicy:
			must(model.PolicyRef{Type: typ}, denyAll)
		}
		if typ != model.SCPPolicy {
			// An SCP level must allow for anything to be allowed.
			must(model.PolicyRef{Type: model.SCPPolicy}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
		}
		want := modelResult(c).Decision
		if want != "explicitDeny" {
			t.Fatalf("%s: the case itself decides %s, want explicitDeny", typ, want)
		}
		rc, err := newRewriteCase(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := rc.clone().decide(); got != want {
			t.Errorf("%s: the rewritten case decides %q, the case %q: a policy type is lost", typ, got, want)
		}
		line, err := wireLine(c)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(line), `"`+typ.String()+`":[`) {
			t.Errorf("%s: the adapter's line has no %s policies: %s", typ, typ, line)
		}
	}
}
