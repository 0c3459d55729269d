package awsiam_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// The oracle against the model-backed endpoint must reproduce the model exactly:
// this checks the whole path — grouping, the Query encoding of every input, the
// endpoint, the XML, and the mapping of answers (matched statements through their
// reported line and column) back to cases.
func TestAgreesWithModelOnGeneratedCases(t *testing.T) {
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	cases := gencase.Generate(7, 1000)
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	kinds := map[string]int{}
	for i, c := range cases {
		g, w := got[i], want[i]
		if g.Err != "" {
			kinds[g.ErrKind]++
			switch g.ErrKind {
			case awsiam.KindUnsupported:
			case awsiam.KindRejected, awsiam.KindInvalidCase:
				if w.Err == "" {
					t.Errorf("%s: the endpoint rejected a case the model decides (%s): %s", c.ID, w.Decision, g.Err)
				}
			default:
				t.Errorf("%s: unexpected error kind %s: %s", c.ID, g.ErrKind, g.Err)
			}
			continue
		}
		if w.Err != "" {
			t.Errorf("%s: decided %s, the model rejects it: %s", c.ID, g.Decision, w.Err)
			continue
		}
		if d := sameAnswer(g, w); d != "" {
			t.Errorf("%s: %s", c.ID, d)
		}
	}
	st := o.Stats()
	if int(st.Requests) != srv.Requests() || srv.Served(awsiam.OpCustom)+kinds[awsiam.KindRejected] != srv.Requests() {
		t.Errorf("stats %+v, server saw %d requests and answered %d", st, srv.Requests(), srv.Served(awsiam.OpCustom))
	}
	// The generator evolves; what must hold is that most cases are asked and
	// answered, and that the inexpressible ones (root, …) are recognised.
	if kinds[awsiam.KindUnsupported] == 0 || st.Answered < 700 {
		t.Errorf("the generated cases should be mostly answered with a few unsupported: %v, %+v", kinds, st)
	}
	t.Logf("1000 generated cases: %d requests, %+v, errors %v", srv.Requests(), st, kinds)
}

// Corpus cases share their policies ($ref) and principals, so they batch.
func TestAgreesWithModelOnCorpus(t *testing.T) {
	var cases []*model.Case
	for _, f := range []string{"seed-000.jsonl", "seed-001.jsonl", "seed-003.jsonl", "seed-004.jsonl", "cond-bool.jsonl", "cond-date.jsonl", "cond-ip.jsonl", "decision-boundary-scp-rbp.jsonl", "cross-account.jsonl", "trust-key-policies.jsonl"} {
		cs, err := model.LoadCaseFile(filepath.Join("..", "..", "corpus", "cases", f))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, cs...)
	}
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	plan := o.Plan(cases)
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i, c := range cases {
		if got[i].Err != "" {
			if got[i].ErrKind != awsiam.KindUnsupported && want[i].Err == "" {
				t.Errorf("%s: %s", c.ID, got[i].Err)
			}
			continue
		}
		if d := sameAnswer(got[i], want[i]); d != "" {
			t.Errorf("%s: %s", c.ID, d)
		}
	}
	s := plan.Summary()
	if srv.Requests() != s.Calls || s.Calls >= s.SentCases {
		t.Errorf("plan %+v, %d requests: corpus cases should share calls", s, srv.Requests())
	}
	t.Logf("%d corpus cases: %d calls (%d sent, %d unsent)", len(cases), s.Calls, s.SentCases, len(plan.Unsent))
}

func TestBatching(t *testing.T) {
	p := doc(`{"Effect":"Allow","Action":["iam:*","s3:GetObject"],"Resource":"*"}`,
		`{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/bob","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)
	mfa := map[string]string{"aws:MultiFactorAuthPresent": "true"}
	var cases []*model.Case
	add := func(principal, action, resource string, ctx map[string]string, pol jsontext.Value) {
		cases = append(cases, mkCase(string(rune('a'+len(cases))), principal, action, resource, ctx, pol))
	}
	// Group 1: three actions × two resources, same policy, principal and context:
	// one call for six cases.
	for _, a := range []string{"iam:GetUser", "iam:CreateAccessKey", "s3:GetObject"} {
		for _, r := range []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob"} {
			add(alice, a, r, nil, p)
		}
	}
	add(alice, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", mfa, p)     // other context: call 2
	add(bob, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", nil, p)       // other principal keys: call 3
	add(alice, "iam:ListUsers", "*", nil, p)                                      // "*": call 4
	add(alice, "iam:GetAccountSummary", "*", nil, p)                              // "*" again: still call 4
	add(alice, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", nil, doc()) // other policy: call 5
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	plan := o.Plan(cases)
	if len(plan.Calls) != 5 || len(plan.Calls[0].Cases) != 6 || len(plan.Calls[0].Actions) != 3 || len(plan.Calls[0].Resources) != 2 {
		var b bytes.Buffer
		_, _ = plan.WriteTo(&b)
		t.Fatalf("plan:\n%s", b.String())
	}
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i := range cases {
		if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
			t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
		}
	}
	if srv.Requests() != 5 {
		t.Fatalf("%d requests, want 5", srv.Requests())
	}

	// Chunking: one resource per call.
	srv2 := newServer(t)
	o2 := newOracle(t, srv2, awsiam.Options{MaxResourcesPerCall: 1, MaxActionsPerCall: 2}, awsiam.ClientOptions{})
	got = decide(t, o2, cases[:6])
	for i := range got {
		if d := sameAnswer(got[i], want[i]); d != "" {
			t.Errorf("%s: %s", cases[i].ID, d)
		}
	}
	// 2 resources × ceil(3 actions / 2) = 4 calls.
	if srv2.Requests() != 4 {
		t.Fatalf("%d requests with 1 resource and 2 actions per call, want 4", srv2.Requests())
	}
}

func TestResourcePolicyCallsArePerResource(t *testing.T) {
	rbp, _ := jsontext.AppendQuote(nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+alice+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}`)
	var cases []*model.Case
	for i, r := range []string{"arn:aws:s3:::bucket/a", "arn:aws:s3:::bucket/b", "arn:aws:s3:::other/c"} {
		c := mkCase(string(rune('a'+i)), alice, "s3:GetObject", r, nil, doc())
		c.Policies.Resource = []jsontext.Value{rbp}
		cases = append(cases, c)
	}
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i := range cases {
		if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
			t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
		}
	}
	if got[0].Decision != "allowed" || got[0].Matched[0].Policy != "resource[0]" || got[2].Decision != "implicitDeny" {
		t.Fatalf("results %+v", got)
	}
	if srv.Requests() != 3 {
		t.Fatalf("%d requests, want one per resource", srv.Requests())
	}
}

func TestPagination(t *testing.T) {
	p := doc(`{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/${aws:username}"}`)
	var cases []*model.Case
	for _, a := range []string{"iam:GetUser", "iam:ChangePassword", "iam:CreateAccessKey", "iam:DeleteAccessKey"} {
		for _, r := range []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/carol"} {
			cases = append(cases, mkCase(a+" "+r, alice, a, r, nil, p))
		}
	}
	want := decideModel(t, cases)
	for _, tc := range []struct {
		name     string
		pageSize int
		maxItems int32
		requests int
	}{
		{"server pages of one", 1, 0, 4},
		{"MaxItems 3", 0, 3, 2},
		{"one page", 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			srv.Handler.PageSize = tc.pageSize
			o := newOracle(t, srv, awsiam.Options{MaxItems: tc.maxItems}, awsiam.ClientOptions{})
			got := decide(t, o, cases)
			for i := range cases {
				if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
					t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
				}
			}
			if srv.Requests() != tc.requests || int(o.Stats().Requests) != tc.requests {
				t.Fatalf("%d requests (stats %+v), want %d", srv.Requests(), o.Stats(), tc.requests)
			}
		})
	}
}

func TestUnsupportedCasesAreNotSent(t *testing.T) {
	rbp, _ := jsontext.AppendQuote(nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`)
	p := doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)
	twoRBP := mkCase("two-rbp", alice, "s3:GetObject", "arn:aws:s3:::b/k", nil, p)
	twoRBP.Policies.Resource = []jsontext.Value{rbp, rbp}
	roleRBP := mkCase("role-rbp", "arn:aws:sts::111122223333:assumed-role/dev/s", "s3:GetObject", "arn:aws:s3:::b/k", nil, p)
	roleRBP.Policies.Resource = []jsontext.Value{rbp}
	cases := []*model.Case{
		mkCase("root", "arn:aws:iam::111122223333:root", "iam:GetUser", "*", nil, p),
		twoRBP, roleRBP,
		mkCase("cross-role", "arn:aws:iam::111122223333:role/dev", "iam:GetUser", "arn:aws:iam::444455556666:user/x", nil, p),
		mkCase("bad-principal", "alice", "iam:GetUser", "*", nil, p),
	}
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	got := decide(t, o, cases)
	want := []string{awsiam.KindUnsupported, awsiam.KindUnsupported, awsiam.KindUnsupported, awsiam.KindUnsupported, awsiam.KindInvalidCase}
	for i, r := range got {
		if r.ErrKind != want[i] || r.Decision != "" {
			t.Errorf("%s: %+v, want error kind %s", cases[i].ID, r, want[i])
		}
	}
	if srv.Requests() != 0 {
		t.Fatalf("%d requests for cases that cannot be asked", srv.Requests())
	}
	// A cross-account user is expressible: CallerArn carries the caller.
	ok := mkCase("cross-user", alice, "iam:GetUser", "arn:aws:iam::444455556666:user/x", nil, p)
	if r := decide(t, o, []*model.Case{ok}); r[0].Err != "" || r[0].Decision != decideModel(t, []*model.Case{ok})[0].Decision {
		t.Fatalf("cross-account user: %+v", r[0])
	}
}

// A case the service rejects must not take the answers of the cases it shares a
// call with: the call is split until the rejected case is alone.
func TestRejectedCaseIsIsolated(t *testing.T) {
	p := doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	long := "iam:" + strings.Repeat("X", 130) // the API accepts at most 128 characters
	cases := []*model.Case{
		mkCase("a", alice, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", nil, p),
		mkCase("b", alice, long, "arn:aws:iam::111122223333:user/alice", nil, p),
		mkCase("c", alice, "iam:ListUsers", "arn:aws:iam::111122223333:user/alice", nil, p),
		mkCase("d", alice, "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", nil, p),
	}
	srv := newServer(t)
	rec := newRecorder(t)
	o := newOracle(t, srv, awsiam.Options{Recorder: rec}, awsiam.ClientOptions{})
	got := decide(t, o, cases)
	for i, r := range got {
		if i == 1 {
			if r.ErrKind != awsiam.KindRejected || !strings.Contains(r.Err, "ValidationError") {
				t.Errorf("b: %+v, want a ValidationError rejection", r)
			}
			continue
		}
		if r.Decision != "allowed" {
			t.Errorf("%s: %+v, want allowed", cases[i].ID, r)
		}
	}
	if o.Stats().Bisections == 0 {
		t.Fatal("no bisection recorded")
	}
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	if rec.Count() != 4 {
		t.Fatalf("%d records: three decisions and the rejection should be recorded", rec.Count())
	}
}

func TestAccessFailureStopsTheRun(t *testing.T) {
	srv := newServer(t)
	cfg := awsiam.LocalConfig()
	cfg.Credentials = aws.AnonymousCredentials{} // unsigned: the endpoint answers 403
	o := awsiam.New(awsiam.NewClient(cfg, awsiam.ClientOptions{Endpoint: srv.URL, Retry: awsiam.RetryFast}), awsiam.Options{Endpoint: srv.URL})
	_, err := o.Decide(context.Background(), []*model.Case{mkCase("a", alice, "iam:GetUser", "*", nil, doc())})
	if !errors.Is(err, awsiam.ErrAccess) || !errors.Is(err, oracle.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrAccess and oracle.ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "MissingAuthenticationToken") {
		t.Fatalf("err = %v, want the service's reason", err)
	}
}

func TestCanceledContext(t *testing.T) {
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := o.Decide(ctx, []*model.Case{mkCase("a", alice, "iam:GetUser", "*", nil, doc())})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("res %v err %v, want no results and context.Canceled", res, err)
	}
}

func TestContextEntriesAreTyped(t *testing.T) {
	rd := &recordingDecider{Decider: &iamtest.ModelDecider{}, sims: make(chan *iamtest.Simulation, 4)}
	srv := iamtest.NewServer(rd)
	t.Cleanup(srv.Close)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	p := doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"my:Count":"3"},"DateGreaterThan":{"my:When":"2020-01-01T00:00:00Z"}}}`)
	c := mkCase("a", "arn:aws:iam::111122223333:user/dev/alice", "iam:GetUser", "*", map[string]string{
		"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "30", "aws:CurrentTime": "2024-01-01T00:00:00Z",
		"aws:SourceIp": "203.0.113.9", "aws:SecureTransport": "false", "aws:PrincipalTag/team": "blue",
		"my:Count": "2", "my:When": "2024-01-01T00:00:00Z", "my:Other": "x",
	}, p)
	c.Request.Context["aws:TagKeys"] = jsontext.Value(`["a","b"]`)
	c.Request.Context["aws:CalledVia"] = jsontext.Value(`[]`)
	decide(t, o, []*model.Case{c})
	sim := <-rd.sims
	got := map[string]iamtest.ContextEntry{}
	for _, e := range sim.ContextEntries {
		got[e.Name] = e
	}
	for key, want := range map[string]string{
		"aws:MultiFactorAuthPresent": "boolean", "aws:MultiFactorAuthAge": "numeric", "aws:CurrentTime": "date",
		"aws:SourceIp": "ip", "aws:SecureTransport": "boolean", "aws:PrincipalTag/team": "string",
		"aws:TagKeys": "stringList", "aws:CalledVia": "stringList", "my:Count": "numeric", "my:When": "date", "my:Other": "string",
		"aws:username": "string", "aws:PrincipalArn": "string", "aws:PrincipalAccount": "string", "aws:PrincipalType": "string",
	} {
		if got[key].Type != want {
			t.Errorf("%s sent as %q, want %q", key, got[key].Type, want)
		}
	}
	if e := got["aws:username"]; len(e.Values) != 1 || e.Values[0] != "alice" {
		t.Errorf("aws:username = %v, want alice (no path)", e.Values)
	}
	if e := got["aws:PrincipalType"]; e.Values[0] != "User" {
		t.Errorf("aws:PrincipalType = %v", e.Values)
	}
	// The model's made-up unique ID (docs/semantics.md §13, derived-unique-id) goes
	// to the simulator too, so both judge the same value.
	if e := got["aws:userid"]; e.Type != "string" || len(e.Values) != 1 || !strings.HasPrefix(e.Values[0], model.UserIDPrefix) {
		t.Errorf("aws:userid of an IAM user sent as %#v, want its derived AIDA… ID", e)
	}
	if e := got["aws:CalledVia"]; e.Values == nil || len(e.Values) != 0 {
		t.Errorf("an empty list must be sent as a present, empty list: %#v", e.Values)
	}
	if sim.CallerArn != "" {
		t.Errorf("CallerArn %q sent for a same-account case without a resource policy", sim.CallerArn)
	}
}

func TestContextKeyTypeTable(t *testing.T) {
	for _, tc := range []struct {
		key   string
		multi bool
		want  string
	}{
		{"aws:MultiFactorAuthPresent", false, "boolean"}, {"aws:multifactorauthpresent", true, "booleanList"},
		{"aws:EpochTime", false, "date"}, {"aws:TokenIssueTime", false, "date"}, {"aws:VpcSourceIp", false, "ip"},
		{"aws:RequestTag/Env", false, "string"}, {"s3:max-keys", false, "numeric"}, {"unknown:key", false, "string"},
		{"unknown:key", true, "stringList"},
	} {
		if got := awsiam.ContextKeyType(tc.key, tc.multi, nil); string(got) != tc.want {
			t.Errorf("ContextKeyType(%s, %v) = %s, want %s", tc.key, tc.multi, got, tc.want)
		}
	}
}

func TestPlanWriteTo(t *testing.T) {
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	cases := []*model.Case{
		mkCase("a", alice, "iam:GetUser", "arn:aws:iam::111122223333:user/alice", nil, doc()),
		mkCase("b", alice, "iam:ChangePassword", "arn:aws:iam::111122223333:user/alice", nil, doc()),
		mkCase("c", "arn:aws:iam::111122223333:root", "iam:GetUser", "*", nil, doc()),
	}
	var b bytes.Buffer
	if _, err := o.PlanInBatches(cases, 2).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"call 1: SimulateCustomPolicy actions=2 resources=1 cases=2", "plan: 1 calls for 3 cases (2 sent", "not sent: 1 cases (unsupported 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if srv.Requests() != 0 {
		t.Fatal("planning made a request")
	}
}

// The workload the simulator is built for: one policy and one context, many
// actions and resources. Checking the MFA gate of the AWS self-management policy
// (seed 000) for alice without MFA, on every IAM action of the catalogue and two
// users' ARNs, takes ceil(actions / MaxActionsPerCall) calls.
func TestBatchingCatalogueSweep(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	ref := jsontext.Value(`{"$ref":"../../corpus/policies/000-aws-mfa-self-manage.json"}`)
	var cases []*model.Case
	for _, a := range cat.Actions() {
		if a.Service != "iam" {
			continue
		}
		for _, r := range []string{alice, bob} {
			c := mkCase(a.FullName()+" "+r, alice, a.FullName(), r, nil, ref)
			c.Dir = "."
			cases = append(cases, c)
		}
	}
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i := range cases {
		if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
			t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
		}
	}
	actions := len(cases) / 2
	if calls := (actions + 49) / 50; srv.Requests() != calls {
		t.Fatalf("%d requests for %d cases, want %d", srv.Requests(), len(cases), calls)
	}
	t.Logf("%d cases (%d IAM actions × 2 users) in %d calls", len(cases), actions, srv.Requests())
}
