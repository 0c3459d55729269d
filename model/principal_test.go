package model

import (
	"errors"
	"regexp"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	for _, tc := range []struct {
		arn  string
		want Principal
		role string
	}{
		{"arn:aws:iam::111122223333:user/alice", Principal{Type: PrincipalUser, Partition: "aws", Account: "111122223333", Name: "alice"}, ""},
		{"arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob", Principal{Type: PrincipalUser, Partition: "aws", Account: "111122223333", Path: "division_abc/subdivision_xyz/", Name: "Bob"}, ""},
		{"arn:aws-cn:iam::1:role/ops/admin", Principal{Type: PrincipalRole, Partition: "aws-cn", Account: "1", Path: "ops/", Name: "admin"}, "arn:aws-cn:iam::1:role/ops/admin"},
		{"arn:aws:sts::1:assumed-role/dev/s1", Principal{Type: PrincipalAssumedRole, Partition: "aws", Account: "1", Name: "dev", Session: "s1"}, "arn:aws:iam::1:role/dev"},
		{"arn:aws:sts::1:federated-user/carol", Principal{Type: PrincipalFederatedUser, Partition: "aws", Account: "1", Name: "carol"}, ""},
		{"arn:aws:iam::1:root", Principal{Type: PrincipalRoot, Partition: "aws", Account: "1"}, ""},
	} {
		got, err := ParsePrincipal(tc.arn)
		if err != nil || got != tc.want {
			t.Errorf("ParsePrincipal(%s) = %+v, %v; want %+v", tc.arn, got, err, tc.want)
			continue
		}
		if got.ARN() != tc.arn || got.RoleARN() != tc.role {
			t.Errorf("%s: ARN %s, RoleARN %q", tc.arn, got.ARN(), got.RoleARN())
		}
	}
	for _, bad := range []string{"", "alice", "arn:aws:iam::1:group/g", "arn:aws:iam::1:user/", "arn:aws:iam::1:user/a//b",
		"arn:aws:iam:us-east-1:1:user/a", "arn:aws:iam:::user/a", "arn:aws:sts::1:assumed-role/dev", "arn:aws:sts::1:federated-user/a/b",
		"arn:aws:s3:::bucket", "arn::iam::1:root", "arn:aws:iam::1:user/\xff"} {
		if p, err := ParsePrincipal(bad); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("ParsePrincipal(%q) = %+v, %v; want ErrInvalidRequest", bad, p, err)
		}
	}
}

// An IAM user's and a role session's aws:userid are made up from their ARNs
// (docs/semantics.md §13 derived-unique-id); one given in the context wins.
func TestDerivedUniqueID(t *testing.T) {
	get := func(principal string, ctx map[string]ContextValue) string {
		t.Helper()
		r, err := NewRequest(principal, "iam:GetUser", "*", ctx)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := r.Value("aws:userid")
		if !ok || len(v.Values) != 1 {
			t.Fatalf("%s: aws:userid = %v, %v", principal, v, ok)
		}
		return v.Values[0]
	}
	alice := get("arn:aws:iam::111122223333:user/alice", nil)
	if !regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`).MatchString(alice) {
		t.Errorf("user's aws:userid %q is not AIDA and 17 upper-case letters or digits", alice)
	}
	if again := get("arn:aws:iam::111122223333:user/alice", nil); again != alice {
		t.Errorf("not deterministic: %q then %q", alice, again)
	}
	if bob := get("arn:aws:iam::111122223333:user/bob", nil); bob == alice {
		t.Errorf("alice and bob share the unique ID %q", bob)
	}
	role := get("arn:aws:sts::111122223333:assumed-role/dev/s1", nil)
	if !regexp.MustCompile(`^AROA[A-Z0-9]{17}:s1$`).MatchString(role) {
		t.Errorf("role session's aws:userid %q is not AROA…:s1", role)
	}
	given := get("arn:aws:iam::111122223333:user/alice", map[string]ContextValue{"aws:userid": Single("AIDAGIVEN")})
	if given != "AIDAGIVEN" {
		t.Errorf("the context's aws:userid lost to the derived one: %q", given)
	}
}
