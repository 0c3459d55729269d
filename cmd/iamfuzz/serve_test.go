package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

const selfPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Allow","Action":["iam:GetUser","iam:CreateAccessKey"],"Resource":"arn:aws:iam::*:user/${aws:username}"},{"Sid":"MFA","Effect":"Deny","NotAction":"iam:GetUser","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs "iamfuzz serve" on a free port until the test ends and returns
// its URL and its stderr.
func startServe(t *testing.T, cfg serveConfig) (string, *syncBuffer) {
	t.Helper()
	cfg.addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncBuffer{}
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- serve(ctx, cfg, log, func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, log.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK || !strings.Contains(log.String(), "iamfuzz serve: stopped") {
				t.Errorf("serve ended with %d:\n%s", code, log.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	return "http://" + addr, log
}

func sdkFor(url string) *iam.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
	}))}
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(url) })
}

func writeDirectory(t *testing.T) string {
	t.Helper()
	doc, _ := jsontext.AppendQuote(nil, selfPolicy)
	path := filepath.Join(t.TempDir(), "users.json")
	content := `{"principals":{"arn:aws:iam::111122223333:user/alice":{"policies":[{"name":"SelfManage","type":"user-managed","document":` + string(doc) + `}]}}}`
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// "iamfuzz serve" is an offline drop-in for the simulator: an unmodified
// aws-sdk-go-v2 client gets the model's decisions in the current response shape.
func TestServeWithSDK(t *testing.T) {
	url, log := startServe(t, serveConfig{directory: writeDirectory(t)})
	client := sdkFor(url)
	alice := "arn:aws:iam::111122223333:user/alice"
	resources := []string{alice, "arn:aws:iam::111122223333:user/bob"}
	actions := []string{"iam:GetUser", "iam:CreateAccessKey"}
	mfa := []types.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthPresent"), ContextKeyType: types.ContextKeyTypeEnumBoolean, ContextKeyValues: []string{"true"}}}
	out, err := client.SimulateCustomPolicy(context.Background(), &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{selfPolicy}, ActionNames: actions, ResourceArns: resources, CallerArn: aws.String(alice), ContextEntries: mfa,
	})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := model.CompileText([]byte(selfPolicy), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != len(actions) {
		t.Fatalf("%d results, want one per action", len(out.EvaluationResults))
	}
	for i, r := range out.EvaluationResults {
		if len(r.ResourceSpecificResults) != len(resources) {
			t.Fatalf("%s: %d resource results", actions[i], len(r.ResourceSpecificResults))
		}
		for j, rs := range r.ResourceSpecificResults {
			req, _ := model.NewRequest(alice, actions[i], resources[j], map[string]model.ContextValue{"aws:MultiFactorAuthPresent": model.Single("true")})
			want := model.Decide(&model.Bundle{Identity: []*model.Compiled{pol}}, req)
			if string(rs.EvalResourceDecision) != want.Decision.String() {
				t.Errorf("%s on %s: %s, model %s", actions[i], resources[j], rs.EvalResourceDecision, want.Decision)
			}
		}
	}
	// SimulatePrincipalPolicy reads alice's policies from the directory.
	pout, err := client.SimulatePrincipalPolicy(context.Background(), &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(alice), ActionNames: []string{"iam:CreateAccessKey"}, ResourceArns: []string{alice},
	})
	if err != nil {
		t.Fatal(err)
	}
	rs := pout.EvaluationResults[0].ResourceSpecificResults[0]
	if rs.EvalResourceDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || aws.ToString(rs.MatchedStatements[0].SourcePolicyId) != "SelfManage" {
		t.Fatalf("principal policy: %+v", rs)
	}
	if !strings.Contains(log.String(), "SimulateCustomPolicy 200") || !strings.Contains(log.String(), "SimulatePrincipalPolicy 200") {
		t.Fatalf("requests are not logged:\n%s", log.String())
	}
}

func TestServeUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"serve", "--directory", filepath.Join(t.TempDir(), "missing.json")}, nil, &stderr, &stderr); code != exitUsage {
		t.Fatalf("a missing directory: exit %d", code)
	}
	if code := run([]string{"serve", "extra"}, nil, &stderr, &stderr); code != exitUsage {
		t.Fatalf("an argument: exit %d", code)
	}
	if code := serve(context.Background(), serveConfig{addr: "256.0.0.1:1"}, &stderr, nil); code != exitUsage {
		t.Fatalf("a bad address: exit %d", code)
	}
}

// diff --a model --b aws against "iamfuzz serve", recording; then the recorded file
// replayed with no endpoint at all. Both runs agree everywhere they compare.
func TestDiffAgainstServeThenReplay(t *testing.T) {
	url, _ := startServe(t, serveConfig{quiet: true})
	t.Setenv(envEndpointIAM, url)
	recDir := t.TempDir()
	report := filepath.Join(t.TempDir(), "report.json")
	var stdout, stderr bytes.Buffer
	awsStatusOut = &stderr
	t.Cleanup(func() { awsStatusOut = os.Stderr })
	code := run([]string{"diff", "--a", "model", "--b", "aws", "--n", "300", "--seed", "11", "--record", recDir, "--report", report}, nil, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"diff model vs aws: 300 cases", "agree", "known difference aws-unsupported"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "answers recorded in") {
		t.Errorf("stderr lacks the run's cost:\n%s", stderr.String())
	}
	var rep struct {
		Summary oracle.Summary `json:"summary"`
	}
	data, _ := os.ReadFile(report)
	if err := json.Unmarshal(data, &rep); err != nil || rep.Summary.Cases != 300 || rep.Summary.Verdicts[oracle.Disagree] != 0 {
		t.Fatalf("report %s: %v", data, err)
	}
	files, _ := filepath.Glob(filepath.Join(recDir, "not-aws-*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("record files %v", files)
	}
	t.Setenv(envEndpointIAM, "http://127.0.0.1:1") // replay must not need it
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"diff", "--a", "model", "--b", "replay", "--replay", recDir, "--cases", files[0]}, nil, &stdout, &stderr)
	if code != exitOK || strings.Contains(stdout.String(), "not-recorded") || !strings.Contains(stdout.String(), "agree") {
		t.Fatalf("replay: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
}

// A disagreement shows both sides' decisions and matched statements.
func TestDiffShowsBothSidesMatchedStatements(t *testing.T) {
	q, _ := jsontext.AppendQuote(nil, selfPolicy)
	c := &model.Case{ID: "mfa-gate", Policies: model.CasePolicies{Identity: []jsontext.Value{q}},
		Request: model.CaseRequest{Principal: "arn:aws:iam::111122223333:user/alice", Action: "iam:CreateAccessKey", Resource: "arn:aws:iam::111122223333:user/alice",
			Context: map[string]jsontext.Value{"aws:MultiFactorAuthPresent": jsontext.Value(`"true"`)}}}
	// The model allows (statement 0); a recorded answer says statement 1 denies.
	rec, err := replay.NewRecord(c, replay.OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	rec.RecordedFrom, rec.AskedAt, rec.SDK = "test fixture, not AWS", "2026-01-01T00:00:00Z", "test"
	rec.Decision, rec.Matched = "explicitDeny", []oracle.MatchedStmt{{Policy: "identity[0]", Statement: 1, Sid: "MFA"}}
	dir := t.TempDir()
	r, err := replay.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--a", "model", "--b", "replay", "--replay", dir, "--cases", files[0]}, nil, &stdout, &stderr)
	if code != exitFailures {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "a=allowed by identity[0]#0 b=explicitDeny by identity[0]#1") {
		t.Fatalf("the difference does not show both sides' statements:\n%s", stdout.String())
	}
}

func TestDryRunPlansWithoutCredentials(t *testing.T) {
	noCredentials(t)
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--a", "model", "--b", "aws", "--n", "1000", "--seed", "1", "--dry-run", "--budget", "50"}, nil, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"dry run: aws for 1000 cases, 256 per batch", "call 1: SimulateCustomPolicy actions=", "plan: ", "cases per call: ", "budget: 50 requests"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if code := run([]string{"diff", "--a", "model", "--b", "model", "--n", "5", "--dry-run"}, nil, &stdout, &stderr); code != exitUsage {
		t.Errorf("--dry-run without an AWS oracle: exit %d", code)
	}
}

func TestAWSWithoutCredentialsIsUnavailable(t *testing.T) {
	noCredentials(t)
	var stdout, stderr bytes.Buffer
	code := run([]string{"diff", "--a", "model", "--b", "aws", "--n", "3", "--seed", "1"}, nil, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "no usable AWS credentials") {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
}

// noCredentials empties every source of AWS credentials for the test.
func noCredentials(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", envEndpointIAM: "", envEndpoint: "",
	} {
		t.Setenv(k, v)
	}
}

// BenchmarkServeSDK measures "iamfuzz serve" with an unmodified SDK client, one
// case (one action on one resource) per call: the endpoint's throughput in cases
// per second.
func BenchmarkServeSDK(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", quiet: true}, &bytes.Buffer{}, func(a string) { addrc <- a })
	}()
	client := sdkFor("http://" + <-addrc)
	cases := gencase.Generate(3, 256)
	type call struct {
		in *iam.SimulateCustomPolicyInput
	}
	var calls []call
	for _, c := range cases {
		var texts []string
		for _, p := range c.Policies.Identity {
			t, _ := model.PolicyText(p, ".")
			texts = append(texts, string(t))
		}
		if len(texts) == 0 || len(c.Policies.SCP) > 0 || len(c.Policies.Resource) > 0 {
			continue
		}
		calls = append(calls, call{&iam.SimulateCustomPolicyInput{PolicyInputList: texts, ActionNames: []string{c.Request.Action}, ResourceArns: []string{c.Request.Resource},
			CallerArn: aws.String("arn:aws:iam::111122223333:user/alice")}})
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			// An invalid generated policy is answered with InvalidInput; that is
			// an answer too, and costs the same round trip.
			_, _ = client.SimulateCustomPolicy(context.Background(), calls[i%len(calls)].in)
			i++
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	cancel()
	<-done
}

// BenchmarkServeSDKBatched measures the endpoint on calls shaped as the AWS
// oracle batches them: 50 actions × 20 resources under one policy and context,
// 1,000 cases per call.
func BenchmarkServeSDKBatched(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", quiet: true}, &bytes.Buffer{}, func(a string) { addrc <- a })
	}()
	client := sdkFor("http://" + <-addrc)
	text, err := os.ReadFile(filepath.Join("..", "..", "corpus", "policies", "000-aws-mfa-self-manage.json"))
	if err != nil {
		b.Fatal(err)
	}
	in := &iam.SimulateCustomPolicyInput{PolicyInputList: []string{string(text)}, CallerArn: aws.String("arn:aws:iam::111122223333:user/alice"),
		MaxItems: aws.Int32(1000), ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:username"), ContextKeyType: types.ContextKeyTypeEnumString, ContextKeyValues: []string{"alice"}}}}
	for _, a := range []string{"GetUser", "ChangePassword", "CreateAccessKey", "DeleteAccessKey", "ListAccessKeys", "UpdateAccessKey", "GetAccessKeyLastUsed",
		"DeleteSigningCertificate", "ListSigningCertificates", "UpdateSigningCertificate", "UploadSigningCertificate", "DeleteSSHPublicKey", "GetSSHPublicKey",
		"ListSSHPublicKeys", "UpdateSSHPublicKey", "UploadSSHPublicKey", "CreateServiceSpecificCredential", "DeleteServiceSpecificCredential",
		"ListServiceSpecificCredentials", "ResetServiceSpecificCredential", "UpdateServiceSpecificCredential", "CreateVirtualMFADevice", "DeleteVirtualMFADevice",
		"EnableMFADevice", "ListMFADevices", "ResyncMFADevice", "DeactivateMFADevice", "ListVirtualMFADevices", "GetAccountPasswordPolicy", "GetAccountSummary",
		"ListUsers", "ListGroups", "ListRoles", "ListPolicies", "GetPolicy", "GetRole", "GetGroup", "CreateUser", "DeleteUser", "UpdateUser",
		"AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy", "ListAttachedUserPolicies", "ListUserPolicies", "GetUserPolicy",
		"TagUser", "UntagUser", "ListUserTags"} {
		in.ActionNames = append(in.ActionNames, "iam:"+a)
	}
	for i := range 20 {
		in.ResourceArns = append(in.ResourceArns, "arn:aws:iam::111122223333:user/u"+strconv.Itoa(i))
	}
	pairs := len(in.ActionNames) * len(in.ResourceArns)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := client.SimulateCustomPolicy(context.Background(), in)
			if err != nil || len(out.EvaluationResults) != len(in.ActionNames) {
				b.Errorf("%v", err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N*pairs)/b.Elapsed().Seconds(), "cases/s")
	cancel()
	<-done
}
