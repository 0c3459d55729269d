package model

import "testing"

// A session policy caps a session's identity grants, its Deny denies, it does not
// apply to IAM users, and it does not cap a resource policy that names the
// session itself (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
func TestSessionPolicy(t *testing.T) {
	compile := func(text string, typ PolicyType) *Compiled {
		t.Helper()
		c, err := CompileText([]byte(text), typ)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	b := &Bundle{
		Identity: []*Compiled{compile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, IdentityPolicy)},
		Session: compile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"},
			{"Effect":"Deny","Action":"s3:GetBucketPolicy","Resource":"*"}]}`, SessionPolicy),
	}
	session := "arn:aws:sts::111122223333:assumed-role/dev/s1"
	for _, tc := range []struct {
		principal, action, resource string
		want                        Decision
		reason                      Reason
	}{
		{session, "s3:GetObject", "arn:aws:s3:::b/k", Allowed, ReasonIdentityAllow},
		{session, "s3:PutObject", "arn:aws:s3:::b/k", ImplicitDeny, ReasonSession},
		{session, "s3:GetBucketPolicy", "arn:aws:s3:::b", ExplicitDeny, ReasonExplicitDeny},
		{"arn:aws:sts::111122223333:federated-user/bob", "s3:PutObject", "arn:aws:s3:::b/k", ImplicitDeny, ReasonSession},
		// An IAM user has no session policy.
		{"arn:aws:iam::111122223333:user/alice", "s3:PutObject", "arn:aws:s3:::b/k", Allowed, ReasonIdentityAllow},
	} {
		r, err := NewRequest(tc.principal, tc.action, tc.resource, nil)
		if err != nil {
			t.Fatal(err)
		}
		res := Decide(b, r)
		if res.Decision != tc.want || res.Reason != tc.reason {
			t.Errorf("%s %s: %v (%v), want %v (%v)", tc.principal, tc.action, res.Decision, res.Reason, tc.want, tc.reason)
		}
	}
	// A bucket policy that names the session ARN is not capped by the session policy.
	b.Resource = []*Compiled{compile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+session+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`, ResourcePolicy)}
	r, _ := NewRequest(session, "s3:PutObject", "arn:aws:s3:::b/k", nil)
	if res := Decide(b, r); res.Decision != Allowed || res.Reason != ReasonResourceAllow {
		t.Errorf("resource policy naming the session: %v (%v)", res.Decision, res.Reason)
	}
}
