package iamtest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/internal/policypos"
)

const (
	alice  = "arn:aws:iam::111122223333:user/alice"
	bob    = "arn:aws:iam::111122223333:user/bob"
	policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Own\", \"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"arn:aws:iam::*:user/${aws:username}\"},\n    {\"Sid\": \"NoKeys\", \"Effect\": \"Deny\", \"Action\": \"iam:CreateAccessKey\", \"Resource\": \"*\", \"Condition\": {\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}}}\n  ]\n}"
)

// sdkClient is a plain aws-sdk-go-v2 IAM client for srv, built by hand.
func sdkClient(srv *Server) *iam.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
	}))}
	return iam.NewFromConfig(cfg, func(o *iam.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.APIOptions = append(o.APIOptions, awsmiddleware.AddRawResponseToMetadata)
	})
}

func modelDecision(t *testing.T, principal, action, resource string, ctx map[string]model.ContextValue) model.Result {
	t.Helper()
	c, err := model.CompileText([]byte(policy), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	req, err := model.NewRequest(principal, action, resource, ctx)
	if err != nil {
		t.Fatal(err)
	}
	return model.Decide(&model.Bundle{Identity: []*model.Compiled{c}}, req)
}

// The SDK reads the endpoint's answers in the current shape: one result per
// action, one ResourceSpecificResult per resource, each decided as the model
// decides, with statement positions that point into the document sent.
func TestSDKReadsTheCurrentShape(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	client := sdkClient(srv)
	resources := []string{alice, bob}
	actions := []string{"iam:GetUser", "iam:CreateAccessKey"}
	out, err := client.SimulateCustomPolicy(context.Background(), &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{policy}, ActionNames: actions, ResourceArns: resources, CallerArn: aws.String(alice),
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:username"), ContextKeyType: types.ContextKeyTypeEnumString, ContextKeyValues: []string{"alice"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); raw == nil || raw.Header.Get(ServerHeader) != "model" {
		t.Fatal("the answer does not say it comes from the model endpoint")
	}
	if id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata); id == "" {
		t.Fatal("no request ID")
	}
	if len(out.EvaluationResults) != len(actions) || out.IsTruncated {
		t.Fatalf("%d results (truncated %v), want one per action", len(out.EvaluationResults), out.IsTruncated)
	}
	pol, _ := model.Parse([]byte(policy), model.IdentityPolicy)
	spans := policypos.Spans([]byte(policy), pol)
	for i, r := range out.EvaluationResults {
		if aws.ToString(r.EvalActionName) != actions[i] || len(r.ResourceSpecificResults) != len(resources) {
			t.Fatalf("result %d: %s with %d resource results", i, aws.ToString(r.EvalActionName), len(r.ResourceSpecificResults))
		}
		if aws.ToString(r.EvalResourceName) != "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}" {
			t.Errorf("EvalResourceName %q, want the action's ARN template", aws.ToString(r.EvalResourceName))
		}
		worst := types.PolicyEvaluationDecisionTypeAllowed
		for j, rs := range r.ResourceSpecificResults {
			want := modelDecision(t, alice, actions[i], resources[j], nil)
			if aws.ToString(rs.EvalResourceName) != resources[j] || string(rs.EvalResourceDecision) != want.Decision.String() {
				t.Errorf("%s on %s: %s, model %s", actions[i], resources[j], rs.EvalResourceDecision, want.Decision)
			}
			if len(rs.MatchedStatements) != len(want.Matched) {
				t.Fatalf("%s on %s: %d matched statements, model %d", actions[i], resources[j], len(rs.MatchedStatements), len(want.Matched))
			}
			for k, st := range rs.MatchedStatements {
				pos := model.Position{Line: int(st.StartPosition.Line), Column: int(st.StartPosition.Column)}
				if aws.ToString(st.SourcePolicyId) != "PolicyInputList.1" || policypos.Locate(spans, pos) != want.Matched[k].Statement {
					t.Errorf("matched %s at %v, model statement %d", aws.ToString(st.SourcePolicyId), pos, want.Matched[k].Statement)
				}
			}
			if rs.EvalResourceDecision == types.PolicyEvaluationDecisionTypeExplicitDeny ||
				rs.EvalResourceDecision == types.PolicyEvaluationDecisionTypeImplicitDeny && worst == types.PolicyEvaluationDecisionTypeAllowed {
				worst = rs.EvalResourceDecision
			}
		}
		if r.EvalDecision != worst {
			t.Errorf("%s: top-level %s, want the most restrictive %s", actions[i], r.EvalDecision, worst)
		}
	}
	// CreateAccessKey on alice: the MFA deny fires (the key is missing, IfExists).
	if d := out.EvaluationResults[1].ResourceSpecificResults[0].EvalResourceDecision; d != types.PolicyEvaluationDecisionTypeExplicitDeny {
		t.Fatalf("CreateAccessKey without MFA: %s", d)
	}
	if m := out.EvaluationResults[1].ResourceSpecificResults[0].MissingContextValues; len(m) != 1 || m[0] != "aws:MultiFactorAuthPresent" {
		t.Fatalf("missing %v", m)
	}
}

// Without ResourceArns the simulator answers "*" at the top level.
func TestSDKStarResource(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	out, err := sdkClient(srv).SimulateCustomPolicy(context.Background(), &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:List*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}`},
		ActionNames:     []string{"iam:ListUsers"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if aws.ToString(r.EvalResourceName) != "*" || r.ResourceSpecificResults != nil || r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny ||
		len(r.MissingContextValues) != 1 || r.MissingContextValues[0] != "aws:SecureTransport" {
		t.Fatalf("%+v", r)
	}
}

func TestBoundaryAndOrganizationsDetails(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	allowIAM := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	denyKeys := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}`
	out, err := sdkClient(srv).SimulateCustomPolicy(context.Background(), &iam.SimulateCustomPolicyInput{
		PolicyInputList:                    []string{allowAll},
		PermissionsBoundaryPolicyInputList: []string{allowIAM},
		OrderedOrganizationPolicyInputList: []types.OrderedOrganizationPolicyType{{ServiceControlPolicyInputList: []string{allowAll}}, {ServiceControlPolicyInputList: []string{denyKeys}}},
		ActionNames:                        []string{"iam:GetUser", "iam:CreateAccessKey", "s3:GetObject"},
		ResourceArns:                       []string{"arn:aws:iam::111122223333:user/alice"},
		CallerArn:                          aws.String(alice),
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		decision      types.PolicyEvaluationDecisionType
		orgs, boundOK bool
	}{
		{types.PolicyEvaluationDecisionTypeAllowed, true, true},
		{types.PolicyEvaluationDecisionTypeExplicitDeny, false, true},
		{types.PolicyEvaluationDecisionTypeImplicitDeny, true, false},
	} {
		r := out.EvaluationResults[i]
		if r.EvalDecision != want.decision || r.OrganizationsDecisionDetail == nil || r.OrganizationsDecisionDetail.AllowedByOrganizations != want.orgs ||
			r.PermissionsBoundaryDecisionDetail == nil || r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != want.boundOK {
			t.Errorf("%s: %s orgs %+v boundary %+v, want %+v", aws.ToString(r.EvalActionName), r.EvalDecision, r.OrganizationsDecisionDetail, r.PermissionsBoundaryDecisionDetail, want)
		}
		if len(r.MatchedStatements) > 0 && strings.HasPrefix(aws.ToString(r.MatchedStatements[0].SourcePolicyId), "Ordered") {
			t.Errorf("SCP statements must not be listed: %+v", r.MatchedStatements)
		}
	}
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	doc, _ := jsontext.AppendQuote(nil, policy)
	dir, err := directory.Parse([]byte(`{"principals":{"`+alice+`":{"policies":[{"name":"SelfManage","type":"user-managed","document":`+string(doc)+`}]}}}`), ".")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewModelServer(dir)
	defer srv.Close()
	client := sdkClient(srv)
	out, err := client.SimulatePrincipalPolicy(context.Background(), &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(alice), ActionNames: []string{"iam:GetUser"}, ResourceArns: []string{alice},
	})
	if err != nil {
		t.Fatal(err)
	}
	rs := out.EvaluationResults[0].ResourceSpecificResults[0]
	if rs.EvalResourceDecision != types.PolicyEvaluationDecisionTypeAllowed || aws.ToString(rs.MatchedStatements[0].SourcePolicyId) != "SelfManage" ||
		rs.MatchedStatements[0].SourcePolicyType != types.PolicySourceTypeUserManaged {
		t.Fatalf("%+v", rs)
	}
	_, err = client.SimulatePrincipalPolicy(context.Background(), &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(bob), ActionNames: []string{"iam:GetUser"}})
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) || !strings.Contains(nse.ErrorMessage(), "bob cannot be found") {
		t.Fatalf("err = %v, want NoSuchEntity", err)
	}
}

func TestPaginationMarkers(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	srv.Handler.PageSize = 1
	client := sdkClient(srv)
	in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{policy}, ActionNames: []string{"iam:GetUser", "iam:ChangePassword", "iam:ListUsers"}, CallerArn: aws.String(alice)}
	var names []string
	p := iam.NewSimulateCustomPolicyPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.EvaluationResults {
			names = append(names, aws.ToString(r.EvalActionName))
		}
	}
	if strings.Join(names, ",") != "iam:GetUser,iam:ChangePassword,iam:ListUsers" || srv.Requests() != 3 {
		t.Fatalf("paged %v in %d requests", names, srv.Requests())
	}
	// A Marker belongs to the request it continues.
	first, err := client.SimulateCustomPolicy(context.Background(), in)
	if err != nil || !first.IsTruncated {
		t.Fatalf("%v %v", first, err)
	}
	other := *in
	other.ActionNames = []string{"iam:DeleteUser", "iam:GetUser"}
	other.Marker = first.Marker
	_, err = client.SimulateCustomPolicy(context.Background(), &other)
	var inv *types.InvalidInputException
	if !errors.As(err, &inv) {
		t.Fatalf("a foreign Marker: err = %v, want InvalidInput", err)
	}
}

// rawPost sends a form to srv with the given headers.
func rawPost(t *testing.T, srv *Server, form url.Values, auth bool) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if auth {
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE00000/20260101/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="+strings.Repeat("ab", 32))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e struct {
		Code string `xml:"Error>Code"`
	}
	_ = xml.Unmarshal(body, &e)
	return resp.StatusCode, e.Code, string(body)
}

func TestProtocolErrors(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	var log bytes.Buffer
	srv.Handler.Log = &log
	ok := url.Values{"Action": {"SimulateCustomPolicy"}, "Version": {"2010-05-08"}, "ActionNames.member.1": {"iam:GetUser"}, "PolicyInputList": {""}}
	if status, code, body := rawPost(t, srv, ok, true); status != 200 || code != "" || !strings.Contains(body, "<EvalDecision>implicitDeny</EvalDecision>") || !strings.Contains(body, `xmlns="https://iam.amazonaws.com/doc/2010-05-08/"`) {
		t.Fatalf("an empty policy list: %d %s %s", status, code, body)
	}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for a, b := range ok {
			f[a] = b
		}
		if v == "" {
			delete(f, k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		auth   bool
		status int
		code   string
	}{
		{"unsigned", ok, false, 403, "MissingAuthenticationToken"},
		{"unknown action", with("Action", "CreateUser"), true, 400, "InvalidAction"},
		{"old version", with("Version", "2009-01-01"), true, 400, "InvalidAction"},
		{"no actions", with("ActionNames.member.1", ""), true, 400, "ValidationError"},
		{"gap in a list", with("ActionNames.member.3", "iam:ListUsers"), true, 400, "ValidationError"},
		{"no policy list", with("PolicyInputList", ""), true, 400, "ValidationError"},
		{"MaxItems 0", with("MaxItems", "0"), true, 400, "ValidationError"},
		{"bad context type", with("ContextEntries.member.1.ContextKeyType", "arn"), true, 400, "ValidationError"},
		{"exclusions", with("PolicyExclusionList.member.1.PolicyType", "INLINE"), true, 400, "InvalidInput"},
		{"invalid policy", with("PolicyInputList.member.1", `{"Statement":[{"Effect":"Allow","Action":"iam:GetUser"}]}`), true, 400, "InvalidInput"},
		{"bad marker", with("Marker", "nonsense"), true, 400, "InvalidInput"},
		{"resource policy without caller", with("ResourcePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`), true, 400, "InvalidInput"},
	} {
		status, code, body := rawPost(t, srv, tc.form, tc.auth)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s\n%s", tc.name, status, code, tc.status, tc.code, body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(ok.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE00000/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a malformed signature for another service: %d", resp.StatusCode)
	}
	if n := strings.Count(log.String(), "\n"); n < 10 || !strings.Contains(log.String(), "SimulateCustomPolicy 200") {
		t.Errorf("log has %d lines:\n%s", n, log.String())
	}
}

// An error answer reaches the SDK as the typed API error.
func TestSDKErrorShape(t *testing.T) {
	srv := NewModelServer(nil)
	defer srv.Close()
	_, err := sdkClient(srv).SimulateCustomPolicy(context.Background(), &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{`{"Statement":[{"Effect":"Allow"}]}`}, ActionNames: []string{"iam:GetUser"},
	})
	var inv *types.InvalidInputException
	var ae smithy.APIError
	if !errors.As(err, &inv) || !errors.As(err, &ae) || ae.ErrorCode() != "InvalidInput" || !strings.Contains(ae.ErrorMessage(), "PolicyInputList.1") {
		t.Fatalf("err = %v", err)
	}
}
