package awsiam_test

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
)

const (
	selfManage = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Self\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"iam:GetUser\", \"iam:ChangePassword\", \"iam:CreateAccessKey\"],\n      \"Resource\": \"arn:aws:iam::*:user/${aws:username}\"\n    },\n    {\n      \"Sid\": \"DenyWithoutMFA\",\n      \"Effect\": \"Deny\",\n      \"NotAction\": [\"iam:GetUser\", \"iam:ChangePassword\"],\n      \"Resource\": \"*\",\n      \"Condition\": {\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}}\n    }\n  ]\n}"
	listAll    = `{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":"iam:List*","Resource":"*"}]}`
	boundary   = `{"Version":"2012-10-17","Statement":[{"Sid":"IAMOnly","Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
)

func testDirectory(t *testing.T) *directory.Directory {
	t.Helper()
	q := func(s string) string { b, _ := jsontext.AppendQuote(nil, s); return string(b) }
	d, err := directory.Parse([]byte(`{"principals":{"`+alice+`":{
		"policies":[{"name":"SelfManage","type":"user-managed","document":`+q(selfManage)+`},{"name":"ListAll","document":`+q(listAll)+`}],
		"boundary":{"name":"IAMOnly","type":"user-managed","document":`+q(boundary)+`}}}}`), ".")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func principalCase(id, action, resource string, ctx map[string]string) *model.Case {
	q := func(s string) jsontext.Value { b, _ := jsontext.AppendQuote(nil, s); return b }
	c := mkCase(id, alice, action, resource, ctx, q(selfManage), q(listAll))
	c.Policies.Boundary = []jsontext.Value{q(boundary)}
	return c
}

// Principal mode asks SimulatePrincipalPolicy about alice, whose policies the
// endpoint reads from the directory; the oracle names the reported policies
// through the same directory and finds the statements by position.
func TestPrincipalMode(t *testing.T) {
	dir := testDirectory(t)
	srv := iamtest.NewModelServer(dir)
	t.Cleanup(srv.Close)
	o := newOracle(t, srv, awsiam.Options{Mode: awsiam.PrincipalMode, Directory: dir}, awsiam.ClientOptions{})
	mfa := map[string]string{"aws:MultiFactorAuthPresent": "true"}
	cases := []*model.Case{
		principalCase("get-own", "iam:GetUser", alice, nil),
		principalCase("key-no-mfa", "iam:CreateAccessKey", alice, nil),
		principalCase("key-mfa", "iam:CreateAccessKey", alice, mfa),
		principalCase("list", "iam:ListUsers", "*", mfa),
		principalCase("s3", "s3:GetObject", "arn:aws:s3:::b/k", mfa),
	}
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i := range cases {
		if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
			t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
		}
	}
	if got[1].Decision != "explicitDeny" || got[1].Matched[0].Policy != "identity[0]" || got[1].Matched[0].Sid != "DenyWithoutMFA" {
		t.Errorf("key-no-mfa: %+v", got[1])
	}
	if srv.Served(awsiam.OpPrincipal) == 0 || srv.Served(awsiam.OpCustom) != 0 {
		t.Fatalf("served %d principal and %d custom calls", srv.Served(awsiam.OpPrincipal), srv.Served(awsiam.OpCustom))
	}
	if o.Name() != "aws-principal" {
		t.Fatal(o.Name())
	}
}

func TestPrincipalModeMismatch(t *testing.T) {
	dir := testDirectory(t)
	srv := iamtest.NewModelServer(dir)
	t.Cleanup(srv.Close)
	o := newOracle(t, srv, awsiam.Options{Mode: awsiam.PrincipalMode, Directory: dir}, awsiam.ClientOptions{})
	other := principalCase("other-policy", "iam:GetUser", alice, nil)
	other.Policies.Identity = other.Policies.Identity[:1]
	noBoundary := principalCase("no-boundary", "iam:GetUser", alice, nil)
	noBoundary.Policies.Boundary = nil
	unknown := principalCase("unknown", "iam:GetUser", bob, nil)
	unknown.Request.Principal = bob
	root := principalCase("root", "iam:GetUser", "*", nil)
	root.Request.Principal = "arn:aws:iam::111122223333:root"
	got := decide(t, o, []*model.Case{other, noBoundary, unknown, root})
	for i, want := range []string{awsiam.KindPrincipalMismatch, awsiam.KindPrincipalMismatch, awsiam.KindPrincipalMismatch, awsiam.KindUnsupported} {
		if got[i].ErrKind != want {
			t.Errorf("case %d: %+v, want %s", i, got[i], want)
		}
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d requests for mismatching cases", srv.Requests())
	}

	// Without a directory the oracle cannot check the case; the endpoint (like
	// AWS) answers NoSuchEntity for a principal it does not know, and statements
	// of attached policies stay unresolved.
	o2 := newOracle(t, srv, awsiam.Options{Mode: awsiam.PrincipalMode}, awsiam.ClientOptions{})
	got = decide(t, o2, []*model.Case{unknown, principalCase("key-no-mfa", "iam:CreateAccessKey", alice, nil)})
	if got[0].ErrKind != awsiam.KindRejected || !strings.Contains(got[0].Err, "NoSuchEntity") {
		t.Errorf("unknown principal: %+v", got[0])
	}
	if got[1].Decision != "explicitDeny" || got[1].Matched[0].Policy != "aws:SelfManage" || got[1].Matched[0].Statement != -1 {
		t.Errorf("without a directory: %+v", got[1])
	}
}
