package peer

import (
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// TestNullSetSameKeyTwice: ForAllValues:Null and ForAnyValue:Null on the same key
// in one statement (found by diff --seed 2). The peer evaluates both as Null, so
// the emulation must keep both tests of the key (the values both share), not write
// the key twice into one Null block, which IAM and the model reject.
func TestNullSetSameKeyTwice(t *testing.T) {
	line := `{"id":"nullset-twice","policies":{"identity":[{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAllValues:Null":{"aws:PrincipalTag/team":["false","true"]},"ForAnyValue:Null":{"aws:PrincipalTag/team":"true"}}}]}]},` +
		`"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`
	c, err := model.ParseCase([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	a := modelResult(c)
	if a.Decision != "implicitDeny" {
		t.Fatalf("model: %+v, want implicitDeny (ForAnyValue is false on a missing key)", a)
	}
	if got := Explain(c, a, oracle.Result{ID: c.ID, Decision: "allowed"}); got != ClassNullSet {
		t.Errorf("explained as %q, want %q", got, ClassNullSet)
	}
	if got := Explain(c, a, oracle.Result{ID: c.ID, Decision: "explicitDeny"}); got != "" {
		t.Errorf("an answer no rule gives was explained as %q", got)
	}
}

func TestMergeNullKeys(t *testing.T) {
	null, _ := parseTree([]byte(`{"aws:TagKeys":["true","false"],"aws:SourceVpc":"true"}`))
	add, _ := parseTree([]byte(`{"AWS:TAGKEYS":"FALSE","aws:SourceVpc":false,"aws:Other":"true"}`))
	mergeNullKeys(null, add.members)
	if got := string(null.encode(nil)); got != `{"aws:TagKeys":["false"],"aws:SourceVpc":["never"],"aws:Other":"true"}` {
		t.Errorf("merged: %s", got)
	}
}
