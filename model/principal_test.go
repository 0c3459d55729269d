package model

import (
	"errors"
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
