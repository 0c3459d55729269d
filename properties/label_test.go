package properties

import "testing"

func TestStatementLabel(t *testing.T) {
	for _, c := range []struct {
		s      StatementRef
		effect bool
		of     string
		want   string
	}{
		{StatementRef{Index: 3, Sid: "DenyNoMFA", Effect: "Deny"}, true, "", "DenyNoMFA (Deny, statement 3)"},
		{StatementRef{Index: 3, Sid: "DenyNoMFA", Effect: "Deny"}, false, "", "DenyNoMFA (statement 3)"},
		{StatementRef{Index: 0, Effect: "Allow"}, true, "", "statement 0 (Allow)"},
		{StatementRef{Index: 0, Effect: "Allow"}, false, "", "statement 0"},
		{StatementRef{Index: 1, Sid: "S", Effect: "Deny"}, true, " of the boundary policy", "S (Deny, statement 1 of the boundary policy)"},
		{StatementRef{Index: 1, Effect: "Deny"}, true, " of the boundary policy", "statement 1 of the boundary policy (Deny)"},
	} {
		if got := c.s.Label(c.effect, c.of); got != c.want {
			t.Errorf("Label(%v, %q) of %+v = %q, want %q", c.effect, c.of, c.s, got, c.want)
		}
	}
}
