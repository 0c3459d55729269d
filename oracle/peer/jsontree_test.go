package peer

import (
	"bytes"
	"testing"
)

func TestJSONTreeRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"a":1,"b":[true,null,"x\u0000y"],"a":{"c":"d"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*"],"Resource":"*","Condition":{"NumericLessThan":{"k:n":1.50}}}}`,
		`[]`,
	} {
		n, err := parseTree([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out := n.encode(nil)
		n2, err := parseTree(out)
		if err != nil || !bytes.Equal(n2.encode(nil), out) {
			t.Errorf("%s → %s → not stable (%v)", in, out, err)
		}
	}
	n, _ := parseTree([]byte(`{"a":1,"a":2}`))
	if string(n.get("a").raw) != "2" {
		t.Errorf("get must return the last duplicate, as JSON.parse keeps it")
	}
	if _, err := parseTree([]byte(`{} {}`)); err == nil {
		t.Error("trailing data accepted")
	}
}
