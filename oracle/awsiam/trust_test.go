package awsiam_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
)

// capture forwards calls to the local endpoint and keeps what was sent.
type capture struct {
	awsiam.API
	mu     sync.Mutex
	custom []*iam.SimulateCustomPolicyInput
}

func (c *capture) SimulateCustomPolicy(ctx context.Context, in *iam.SimulateCustomPolicyInput, optFns ...func(*iam.Options)) (*iam.SimulateCustomPolicyOutput, error) {
	c.mu.Lock()
	c.custom = append(c.custom, in)
	c.mu.Unlock()
	return c.API.SimulateCustomPolicy(ctx, in, optFns...)
}

// A role's trust policy is asked as the simulator can express it: the policy as
// written (no Resource) as ResourcePolicy, the role's ARN as the resource, the
// role's account as ResourceOwner and the IAM user as CallerArn, with the context
// keys of its conditions. A role session cannot be a CallerArn: unsupported, not
// sent, never guessed.
func TestTrustPolicyCase(t *testing.T) {
	srv := newServer(t)
	api := &capture{API: awsiam.NewClient(awsiam.LocalConfig(), awsiam.ClientOptions{Endpoint: srv.URL, Retry: awsiam.RetryFast, AttemptTimeout: 5 * time.Second})}
	o := awsiam.New(api, awsiam.Options{Endpoint: srv.URL})
	t.Cleanup(func() { _ = o.Close() })

	const role = "arn:aws:iam::111122223333:role/deploy"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}]}`
	tq, _ := jsontext.AppendQuote(nil, trust)
	allow := doc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)
	ok := mkCase("ok", alice, "sts:AssumeRole", role, map[string]string{"sts:ExternalId": "x-1"}, allow)
	wrongID := mkCase("wrong-id", alice, "sts:AssumeRole", role, map[string]string{"sts:ExternalId": "x-2"}, allow)
	session := mkCase("session", "arn:aws:sts::111122223333:assumed-role/dev/s1", "sts:AssumeRole", role, map[string]string{"sts:ExternalId": "x-1"}, allow)
	cases := []*model.Case{ok, wrongID, session}
	for _, c := range cases {
		c.Policies.Resource = []jsontext.Value{tq}
	}
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	if got[0].Decision != "allowed" || got[1].Decision != "implicitDeny" || want[0].Decision != "allowed" || want[1].Decision != "implicitDeny" {
		t.Fatalf("decisions: oracle %+v %+v, model %+v %+v", got[0], got[1], want[0], want[1])
	}
	if got[2].ErrKind != awsiam.KindUnsupported {
		t.Errorf("a role session's trust case: %+v, want unsupported", got[2])
	}
	if len(api.custom) == 0 {
		t.Fatal("nothing sent")
	}
	for _, in := range api.custom {
		if aws.ToString(in.ResourcePolicy) != trust || !slices.Equal(in.ResourceArns, []string{role}) ||
			aws.ToString(in.CallerArn) != alice || aws.ToString(in.ResourceOwner) != "arn:aws:iam::111122223333:root" {
			t.Errorf("sent ResourcePolicy %q ResourceArns %v CallerArn %q ResourceOwner %q",
				aws.ToString(in.ResourcePolicy), in.ResourceArns, aws.ToString(in.CallerArn), aws.ToString(in.ResourceOwner))
		}
		found := false
		for _, e := range in.ContextEntries {
			found = found || aws.ToString(e.ContextKeyName) == "sts:ExternalId"
		}
		if !found {
			t.Errorf("the trust policy's condition key sts:ExternalId was not sent: %+v", in.ContextEntries)
		}
	}
}
