package awsiam_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

func newRecorder(t *testing.T) *replay.Recorder {
	t.Helper()
	rec, err := replay.NewRecorder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// faultCases are three groups (three calls) of two cases each.
func faultCases() []*model.Case {
	var cases []*model.Case
	for g, principal := range []string{alice, bob, "arn:aws:iam::111122223333:user/carol"} {
		p := doc(`{"Effect":"Allow","Action":"iam:Get*","Resource":"arn:aws:iam::*:user/${aws:username}"}`)
		for _, a := range []string{"iam:GetUser", "iam:DeleteUser"} {
			cases = append(cases, mkCase(string(rune('a'+g))+a, principal, a, principal, nil, p))
		}
	}
	return cases
}

// Retryable faults are retried: every case is answered exactly as the model
// answers, and the fault cost one extra request.
func TestRetryableFaults(t *testing.T) {
	cases := faultCases()
	want := decideModel(t, cases)
	// The endpoint loads the action catalogue on its first answer; load it now so
	// that no attempt below is slow for that reason (the race detector makes it so).
	decide(t, newOracle(t, newServer(t), awsiam.Options{}, awsiam.ClientOptions{}), cases[:1])
	for _, tc := range []struct {
		fault iamtest.Fault
		extra int // requests beyond the three calls
	}{
		{iamtest.FaultThrottle, 1},
		{iamtest.FaultServerError, 1},
		{iamtest.FaultUnavailable, 1},
		{iamtest.FaultSlow, 1},
		{iamtest.FaultDrop, 1},
		{iamtest.FaultDropMidBody, 1},
		{iamtest.FaultTruncate, 1}, // not a retry: one more page
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv := newServer(t)
			srv.SlowDelay = 10 * time.Second
			srv.Inject(tc.fault)
			rec := newRecorder(t)
			co := awsiam.ClientOptions{}
			if tc.fault == iamtest.FaultSlow {
				co.AttemptTimeout = time.Second // the slow answer times out and is asked again
			}
			o := newOracle(t, srv, awsiam.Options{Concurrency: 1, Recorder: rec}, co)
			start := time.Now()
			got := decide(t, o, cases)
			for i := range cases {
				if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
					t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
				}
			}
			if srv.Pending() != 0 || srv.Requests() != 3+tc.extra {
				t.Errorf("%d requests, %d faults pending; want %d requests", srv.Requests(), srv.Pending(), 3+tc.extra)
			}
			if rec.Count() != len(cases) {
				t.Errorf("%d records, want %d", rec.Count(), len(cases))
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %s: retries against a local endpoint must be fast", time.Since(start))
			}
		})
	}
}

// Faults that persist, or that are not retryable, fail the cases of their call
// with a per-case error of the right kind; the other calls are answered; nothing
// is recorded for the failed cases; no case is lost.
func TestFailingFaults(t *testing.T) {
	cases := faultCases()
	want := decideModel(t, cases)
	const attempts = 3
	repeat := func(f iamtest.Fault) []iamtest.Fault {
		out := make([]iamtest.Fault, attempts)
		for i := range out {
			out[i] = f
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		faults []iamtest.Fault
		kind   string
	}{
		{"malformed XML", []iamtest.Fault{iamtest.FaultMalformedXML}, awsiam.KindMalformed},
		{"empty body", []iamtest.Fault{iamtest.FaultEmptyBody}, awsiam.KindIncomplete},
		{"throttled every attempt", repeat(iamtest.FaultThrottle), awsiam.KindThrottled},
		{"500 every attempt", repeat(iamtest.FaultServerError), awsiam.KindServer},
		{"dropped every attempt", repeat(iamtest.FaultDrop), awsiam.KindTransport},
		{"cut mid-body every attempt", repeat(iamtest.FaultDropMidBody), awsiam.KindMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			srv.Inject(tc.faults...)
			rec := newRecorder(t)
			o := newOracle(t, srv, awsiam.Options{Concurrency: 1, Recorder: rec}, awsiam.ClientOptions{MaxAttempts: attempts})
			got := decide(t, o, cases)
			failed := 0
			for i := range cases {
				if got[i].Err != "" {
					failed++
					if got[i].ErrKind != tc.kind || got[i].Decision != "" {
						t.Errorf("%s: %+v, want error kind %s", cases[i].ID, got[i], tc.kind)
					}
					continue
				}
				if d := sameAnswer(got[i], want[i]); d != "" {
					t.Errorf("%s: %s", cases[i].ID, d)
				}
			}
			// The first call's two cases fail; the other two calls answer.
			if failed != 2 {
				t.Errorf("%d cases failed, want the 2 of the faulted call", failed)
			}
			if rec.Count() != len(cases)-2 {
				t.Errorf("%d records, want %d: a failed call must record nothing", rec.Count(), len(cases)-2)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	cases := faultCases()
	srv := newServer(t)
	budget := awsiam.NewBudget(2)
	o := newOracle(t, srv, awsiam.Options{Concurrency: 1, Budget: budget}, awsiam.ClientOptions{})
	got := decide(t, o, cases)
	exhausted := 0
	for _, r := range got {
		if r.ErrKind == awsiam.KindBudgetExhausted {
			exhausted++
			if r.Decision != "" || !strings.Contains(r.Err, "budget exhausted") {
				t.Errorf("%+v", r)
			}
		} else if r.Err != "" {
			t.Errorf("%+v", r)
		}
	}
	if exhausted != 2 || srv.Requests() != 2 || budget.Used() != 2 {
		t.Fatalf("%d cases exhausted, %d requests, %d used; want 2, 2, 2", exhausted, srv.Requests(), budget.Used())
	}

	// The budget runs out between two pages of one call: the page already
	// received is discarded, and nothing is recorded.
	srv2 := newServer(t)
	srv2.Handler.PageSize = 1
	rec := newRecorder(t)
	o2 := newOracle(t, srv2, awsiam.Options{Budget: awsiam.NewBudget(1), Recorder: rec}, awsiam.ClientOptions{})
	got = decide(t, o2, cases[:2])
	for _, r := range got {
		if r.ErrKind != awsiam.KindBudgetExhausted || !strings.Contains(r.Err, "discarded") {
			t.Errorf("%+v, want budget exhausted after page 1", r)
		}
	}
	if rec.Count() != 0 || srv2.Requests() != 1 {
		t.Fatalf("%d records, %d requests; a partial answer must not be recorded", rec.Count(), srv2.Requests())
	}
}

// The previous simulator shape — one result per action and resource, the ARN in
// EvalResourceName, no ResourceSpecificResults — is read as well.
func TestPreviousResponseShape(t *testing.T) {
	flatten := &funcDecider{edit: func(_ *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult {
		var out []iamtest.EvaluationResult
		for _, r := range rs {
			if r.ResourceSpecificResults == nil {
				out = append(out, r)
				continue
			}
			for _, x := range r.ResourceSpecificResults {
				out = append(out, iamtest.EvaluationResult{EvalActionName: r.EvalActionName, EvalResourceName: x.EvalResourceName,
					EvalDecision: x.EvalResourceDecision, MatchedStatements: x.MatchedStatements, MissingContextValues: x.MissingContextValues})
			}
		}
		return out
	}}
	srv := iamtest.NewServer(flatten)
	t.Cleanup(srv.Close)
	o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
	cases := faultCases()
	cases = append(cases, mkCase("other", alice, "iam:GetUser", bob, nil, cases[0].Policies.Identity...))
	got := decide(t, o, cases)
	want := decideModel(t, cases)
	for i := range cases {
		if d := sameAnswer(got[i], want[i]); d != "" || got[i].Err != "" {
			t.Errorf("%s: %s %s", cases[i].ID, d, got[i].Err)
		}
	}
}

// An answer that lacks a case's resource, or names an unknown decision, is an
// error for that case — never a guess.
func TestIncompleteOrWrongAnswers(t *testing.T) {
	p := doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	cases := []*model.Case{
		mkCase("alice", alice, "iam:GetUser", alice, nil, p),
		mkCase("bob", alice, "iam:GetUser", bob, nil, p),
		mkCase("list", alice, "iam:ListUsers", alice, nil, p),
	}
	for _, tc := range []struct {
		name string
		edit func(*iamtest.Simulation, []iamtest.EvaluationResult) []iamtest.EvaluationResult
		want map[string]string // case → error kind ("" = decided)
	}{
		{"resource missing", func(_ *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult {
			for i := range rs {
				rs[i].ResourceSpecificResults = rs[i].ResourceSpecificResults[:1]
			}
			return rs
		}, map[string]string{"alice": "", "bob": awsiam.KindIncomplete, "list": ""}},
		{"action missing", func(_ *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult {
			return rs[:1]
		}, map[string]string{"alice": "", "bob": "", "list": awsiam.KindIncomplete}},
		{"unknown decision", func(_ *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult {
			rs[0].ResourceSpecificResults[0].EvalResourceDecision = "maybe"
			return rs
		}, map[string]string{"alice": awsiam.KindMalformed, "bob": "", "list": ""}},
		{"contradicting duplicates", func(_ *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult {
			dup := rs[0]
			dup.ResourceSpecificResults = []iamtest.ResourceSpecificResult{rs[0].ResourceSpecificResults[0]}
			dup.ResourceSpecificResults[0].EvalResourceDecision = "explicitDeny"
			return append(rs, dup)
		}, map[string]string{"alice": awsiam.KindMalformed, "bob": "", "list": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := iamtest.NewServer(&funcDecider{edit: tc.edit})
			t.Cleanup(srv.Close)
			o := newOracle(t, srv, awsiam.Options{}, awsiam.ClientOptions{})
			got := decide(t, o, cases)
			for i, c := range cases {
				if got[i].ErrKind != tc.want[c.ID] || (tc.want[c.ID] == "") != (got[i].Decision != "") {
					t.Errorf("%s: %+v, want kind %q", c.ID, got[i], tc.want[c.ID])
				}
			}
		})
	}
}

// Answers are recorded as readable JSON lines and replayed with no network: the
// replay oracle answers every recorded case exactly as the endpoint did, and a case
// that was not recorded gets "not recorded".
func TestRecordThenReplay(t *testing.T) {
	dir := t.TempDir()
	rec, err := replay.NewRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	o := newOracle(t, srv, awsiam.Options{Recorder: rec}, awsiam.ClientOptions{})
	cases := faultCases()
	cases = append(cases, mkCase("root", "arn:aws:iam::111122223333:root", "iam:GetUser", "*", nil, doc()))
	bad := mkCase("bad-policy", alice, "iam:GetUser", "*", nil, doc(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"BoolIfExist":{"aws:SecureTransport":"true"}}}`))
	cases = append(cases, bad)
	live := decide(t, o, cases)
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "not-aws-") {
		t.Fatalf("files %v: answers of a local endpoint must go to not-aws-*.jsonl", files)
	}
	data, _ := os.ReadFile(files[0])
	for _, secret := range []string{"AKIA", "Signature", "Authorization", "iamfuzz-local-not-a-secret", "Credential="} {
		if strings.Contains(string(data), secret) {
			t.Fatalf("a record contains %q", secret)
		}
	}
	for _, want := range []string{`"recordedFrom":"iamfuzz serve (model), not AWS"`, `"operation":"SimulateCustomPolicy"`, `"sdk":"aws-sdk-go-v2/service/iam `, `"askedAt":"`} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("records lack %s:\n%s", want, data)
		}
	}
	// The record file is a case file: every line is a case of the eval format.
	recorded, err := model.LoadCaseFile(files[0])
	if err != nil || len(recorded) != len(cases)-1 {
		t.Fatalf("%d cases read back from the record file (%v), want %d", len(recorded), err, len(cases)-1)
	}

	rp, err := replay.Open(dir, replay.OpCustom)
	if err != nil {
		t.Fatal(err)
	}
	again := decide(t, rp, cases)
	for i, c := range cases {
		switch c.ID {
		case "root":
			if again[i].ErrKind != replay.KindNotRecorded {
				t.Errorf("root: %+v, want not recorded", again[i])
			}
		default:
			if again[i].Decision != live[i].Decision || again[i].Err != live[i].Err || !sameMatched(again[i].Matched, live[i].Matched) {
				t.Errorf("%s: replayed %+v, live %+v", c.ID, again[i], live[i])
			}
		}
	}
	if again[len(cases)-1].ErrKind != awsiam.KindRejected {
		t.Errorf("the rejection must replay as a rejection: %+v", again[len(cases)-1])
	}
	// A replayed answer says where it came from.
	if again[0].Extra["recordedFrom"] != "iamfuzz serve (model), not AWS" {
		t.Errorf("extra %v", again[0].Extra)
	}
	var _ oracle.Oracle = rp
}

func sameMatched(a, b []oracle.MatchedStmt) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// markerRejecter answers the first page and rejects every continuation.
type markerRejecter struct{ iamtest.ModelDecider }

func (m *markerRejecter) Simulate(ctx context.Context, sim *iamtest.Simulation) ([]iamtest.EvaluationResult, error) {
	if sim.Marker != "" {
		return nil, &iamtest.APIError{Status: 400, Code: "InvalidInput", Message: "Invalid Marker"}
	}
	return m.ModelDecider.Simulate(ctx, sim)
}

// A rejected continuation page says nothing about the cases: it is not recorded
// as their answer, and the first page is not used alone.
func TestRejectedContinuationPage(t *testing.T) {
	srv := iamtest.NewServer(&markerRejecter{})
	t.Cleanup(srv.Close)
	srv.Handler.PageSize = 1
	rec := newRecorder(t)
	o := newOracle(t, srv, awsiam.Options{Recorder: rec}, awsiam.ClientOptions{})
	got := decide(t, o, faultCases()[:2])
	for _, r := range got {
		if r.ErrKind != awsiam.KindAPI || r.Decision != "" {
			t.Errorf("%+v, want an api-error", r)
		}
	}
	if rec.Count() != 0 || srv.Requests() != 2 {
		t.Fatalf("%d records, %d requests", rec.Count(), srv.Requests())
	}
}
