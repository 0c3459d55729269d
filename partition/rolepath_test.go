package partition

import "testing"

// A pattern tells role paths apart exactly when it accepts one of role/N and
// role/P/N (same account and name) but not the other.
func TestTellsRolePathsApart(t *testing.T) {
	for _, c := range []struct {
		pat  string
		glob GlobKind
		want bool
	}{
		{"arn:aws:iam::*:role/*", GlobARN, false},
		{"arn:aws:iam::111122223333:role/*", GlobARN, false},
		{"arn:aws:iam::*:user/*", GlobARN, false},
		{"arn:aws:iam::*:role/admin", GlobARN, true},
		{"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*", GlobARN, true},
		{"arn:aws:iam::*:role/*admin", GlobARN, false},
		{"arn:aws:iam::*:role/ops-*", GlobLike, true},
		// IAM paths may hold ':', and StringLike's * crosses it: role/a:user/N.
		{"arn:aws:iam::*:user/*", GlobLike, true},
	} {
		p := ParsePattern(c.pat, PatGlob, true)
		if got := tellsRolePathsApart(compile(GlobLang(p.codes, c.glob))); got != c.want {
			t.Errorf("%q (glob %d): %v, want %v", c.pat, c.glob, got, c.want)
		}
	}
}
