package properties

import (
	"errors"
	"testing"

	"github.com/iamfuzz/iamfuzz/source"
)

// A bare policy file that is a valid trust policy or a bucket's or queue's
// policy is told apart by kind (ErrTrustPolicy, ErrResourcePolicy: check skips
// it), and one IAM refuses in every place (a trust policy with a Resource) stays
// a *PolicyFileError, bad input.
func TestBareNonIdentityPolicyKinds(t *testing.T) {
	cases := []struct {
		name, doc string
		kind      error
	}{
		{"trust", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`, ErrTrustPolicy},
		{"bucket", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, ErrResourcePolicy},
		{"trust with a Resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Resource":"*"}]}`, nil},
	}
	for _, tc := range cases {
		_, err := TargetWith(source.Bare(tc.name+".json", []byte(tc.doc)), "", nil)
		var fe *PolicyFileError
		switch {
		case tc.kind != nil && !errors.Is(err, tc.kind):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.kind)
		case tc.kind == nil && (!errors.As(err, &fe) || errors.Is(err, ErrTrustPolicy) || errors.Is(err, ErrResourcePolicy)):
			t.Errorf("%s: %v, want a *PolicyFileError", tc.name, err)
		}
	}
}
