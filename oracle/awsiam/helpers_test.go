package awsiam_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/iamtest"
)

const (
	alice = "arn:aws:iam::111122223333:user/alice"
	bob   = "arn:aws:iam::111122223333:user/bob"
)

// newServer starts a model-backed local endpoint for one test.
func newServer(t *testing.T) *iamtest.Server {
	t.Helper()
	srv := iamtest.NewModelServer(nil)
	t.Cleanup(srv.Close)
	return srv
}

// newOracle returns an oracle that talks to srv with fast retries.
func newOracle(t *testing.T, srv *iamtest.Server, opts awsiam.Options, co awsiam.ClientOptions) *awsiam.Oracle {
	t.Helper()
	co.Endpoint, co.Retry = srv.URL, awsiam.RetryFast
	if co.AttemptTimeout == 0 {
		co.AttemptTimeout = 5 * time.Second
	}
	opts.Endpoint = srv.URL
	o := awsiam.New(awsiam.NewClient(awsiam.LocalConfig(), co), opts)
	t.Cleanup(func() { _ = o.Close() })
	return o
}

// doc returns a policy document as the eval format's exact-text form; with no
// statements, a valid policy that allows nothing anyone asks.
func doc(statements ...string) jsontext.Value {
	if len(statements) == 0 {
		statements = []string{`{"Effect":"Allow","Action":"none:Nothing","Resource":"*"}`}
	}
	text := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	q, _ := jsontext.AppendQuote(nil, text)
	return q
}

// mkCase builds a case with identity policies and a string context.
func mkCase(id, principal, action, resource string, ctx map[string]string, identity ...jsontext.Value) *model.Case {
	c := &model.Case{ID: id, Request: model.CaseRequest{Principal: principal, Action: action, Resource: resource}}
	c.Policies.Identity = identity
	if len(ctx) > 0 {
		c.Request.Context = map[string]jsontext.Value{}
		for k, v := range ctx {
			q, _ := jsontext.AppendQuote(nil, v)
			c.Request.Context[k] = q
		}
	}
	return c
}

func decideModel(t *testing.T, cases []*model.Case) []oracle.Result {
	t.Helper()
	out, err := oracle.NewModel().Decide(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decide(t *testing.T, o oracle.Oracle, cases []*model.Case) []oracle.Result {
	t.Helper()
	out, err := o.Decide(context.Background(), cases)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	if len(out) != len(cases) {
		t.Fatalf("%d results for %d cases", len(out), len(cases))
	}
	for i, r := range out {
		if r.ID != cases[i].ID {
			t.Fatalf("result %d has id %q, want %q", i, r.ID, cases[i].ID)
		}
	}
	return out
}

// withoutSCP drops matched SCP statements, which the simulator never lists.
func withoutSCP(ms []oracle.MatchedStmt) []oracle.MatchedStmt {
	var out []oracle.MatchedStmt
	for _, m := range ms {
		if !strings.HasPrefix(m.Policy, "scp[") {
			out = append(out, m)
		}
	}
	return out
}

// sameAnswer reports how an oracle's decided result differs from the model's, ""
// when it does not: decision, matched statements (the simulator lists no SCP
// statements) and missing keys.
func sameAnswer(got, want oracle.Result) string {
	switch {
	case got.Decision != want.Decision:
		return fmt.Sprintf("decision %s, model %s", got.Decision, want.Decision)
	case !slices.Equal(got.Matched, withoutSCP(want.Matched)):
		return fmt.Sprintf("matched %v, model %v", got.Matched, want.Matched)
	case !slices.Equal(got.Missing, want.Missing):
		return fmt.Sprintf("missing %v, model %v", got.Missing, want.Missing)
	}
	return ""
}

// recordingDecider wraps a decider and keeps every simulation it was asked.
type recordingDecider struct {
	iamtest.Decider
	sims chan *iamtest.Simulation
}

func (r *recordingDecider) Simulate(ctx context.Context, sim *iamtest.Simulation) ([]iamtest.EvaluationResult, error) {
	r.sims <- sim
	return r.Decider.Simulate(ctx, sim)
}

// funcDecider answers with a function of the model's answer.
type funcDecider struct {
	model iamtest.ModelDecider
	edit  func(sim *iamtest.Simulation, rs []iamtest.EvaluationResult) []iamtest.EvaluationResult
}

func (f *funcDecider) Simulate(ctx context.Context, sim *iamtest.Simulation) ([]iamtest.EvaluationResult, error) {
	rs, err := f.model.Simulate(ctx, sim)
	if err != nil {
		return nil, err
	}
	return f.edit(sim, rs), nil
}
