package awsiam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/oracle/awsiam/directory"
	"github.com/iamfuzz/iamfuzz/oracle/replay"
)

// API is the part of the IAM client the oracle uses; *iam.Client implements it.
type API interface {
	SimulateCustomPolicy(ctx context.Context, params *iam.SimulateCustomPolicyInput, optFns ...func(*iam.Options)) (*iam.SimulateCustomPolicyOutput, error)
	SimulatePrincipalPolicy(ctx context.Context, params *iam.SimulatePrincipalPolicyInput, optFns ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error)
}

// Mode selects the simulator operation.
type Mode int

// Modes.
const (
	// CustomMode asks SimulateCustomPolicy with the case's own policies.
	CustomMode Mode = iota
	// PrincipalMode asks SimulatePrincipalPolicy about the case's principal, a real
	// IAM user or role: AWS uses the policies attached to it (and its groups) and
	// its account's SCPs instead of the case's identity policies and SCPs, which
	// must describe them. With a Directory the oracle checks that they do and names
	// the policies AWS reports; without one, matched statements of attached policies
	// stay unresolved ("aws:NAME", statement -1).
	PrincipalMode
)

// Operations of the simulator.
const (
	OpCustom    = replay.OpCustom
	OpPrincipal = replay.OpPrincipal
)

// ServerHeader is the response header by which the local endpoint (iamtest,
// iamfuzz serve) says that it is not AWS; its value names the decider. Records of
// such answers say so in recordedFrom.
const ServerHeader = "X-Iamfuzz-Server"

// Options configure the oracle. The zero value asks SimulateCustomPolicy with
// defaults fit for AWS.
type Options struct {
	Mode      Mode
	Directory *directory.Directory // PrincipalMode: the principals' attached policies

	// Concurrency caps calls in flight (default 4). AWS publishes no rate for the
	// simulator and throttles bursts; the retryer backs off on top of this cap.
	Concurrency int
	// MaxItems is sent with every call (default and maximum 1000); the oracle
	// follows IsTruncated/Marker for the rest.
	MaxItems int32
	// MaxActionsPerCall and MaxResourcesPerCall bound a call (defaults 50 and 20).
	MaxActionsPerCall   int
	MaxResourcesPerCall int
	// MaxPages bounds the pages of one call (default 100): a Marker that never
	// ends is a malformed answer, not a reason to spend the budget.
	MaxPages int
	// Budget caps the API requests (pages) made; nil means no limit.
	Budget *Budget
	// Recorder, when set, receives every answer: decisions, and errors in which
	// the service rejected a case. The oracle's Close closes it.
	Recorder *replay.Recorder
	// Endpoint is the custom endpoint URL the client talks to, "" for AWS. It only
	// labels records: an answer is recorded as from AWS only when it is "". New
	// redacts it (RedactEndpoint): no user, password or query reaches a record.
	Endpoint string
	// Now stamps records (default time.Now).
	Now func() time.Time
}

// Budget caps the number of API requests across oracles. It is safe for
// concurrent use.
type Budget struct {
	limit int64
	used  atomic.Int64
}

// NewBudget returns a budget of limit requests; limit <= 0 means no limit (the
// budget then only counts).
func NewBudget(limit int) *Budget { return &Budget{limit: int64(limit)} }

func (b *Budget) take() bool {
	if b == nil {
		return true
	}
	for {
		u := b.used.Load()
		if b.limit > 0 && u >= b.limit {
			return false
		}
		if b.used.CompareAndSwap(u, u+1) {
			return true
		}
	}
}

// Used returns the number of requests made under the budget.
func (b *Budget) Used() int {
	if b == nil {
		return 0
	}
	return int(b.used.Load())
}

// Limit returns the budget's limit, 0 for none.
func (b *Budget) Limit() int {
	if b == nil {
		return 0
	}
	return int(b.limit)
}

// Stats count what the oracle did.
type Stats struct {
	Calls      int64 // planned calls run (a rejected call split in two counts three)
	Requests   int64 // API requests, one per page, before SDK retries
	Answered   int64 // cases answered with a decision
	Failed     int64 // cases answered with an error
	Bisections int64 // rejected calls split to find the rejected case
}

// Oracle asks AWS's policy simulator. It implements oracle.Oracle and is safe for
// concurrent use.
type Oracle struct {
	api   API
	opts  Options
	cache model.PolicyCache

	docsMu sync.Mutex // guards the groups' parsed documents

	calls, requests, answered, failed, bisections atomic.Int64
}

// New returns an oracle that asks api.
func New(api API, opts Options) *Oracle {
	opts.Endpoint = RedactEndpoint(opts.Endpoint)
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.MaxItems <= 0 || opts.MaxItems > 1000 {
		opts.MaxItems = 1000
	}
	if opts.MaxActionsPerCall <= 0 {
		opts.MaxActionsPerCall = 50
	}
	if opts.MaxResourcesPerCall <= 0 {
		opts.MaxResourcesPerCall = 20
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Oracle{api: api, opts: opts}
}

// Name implements oracle.Oracle.
func (o *Oracle) Name() string {
	if o.opts.Mode == PrincipalMode {
		return "aws-principal"
	}
	return "aws"
}

func (o *Oracle) operation() string {
	if o.opts.Mode == PrincipalMode {
		return replay.OpPrincipal
	}
	return replay.OpCustom
}

// Stats returns counts of what the oracle did so far.
func (o *Oracle) Stats() Stats {
	return Stats{Calls: o.calls.Load(), Requests: o.requests.Load(), Answered: o.answered.Load(),
		Failed: o.failed.Load(), Bisections: o.bisections.Load()}
}

// Close implements oracle.Oracle; it closes the recorder.
func (o *Oracle) Close() error {
	if o.opts.Recorder != nil {
		return o.opts.Recorder.Close()
	}
	return nil
}

// Decide implements oracle.Oracle. Cases are grouped into calls (see Plan), the
// calls run at most Concurrency at a time, and every case gets exactly one Result:
// a decision read from the simulator's answer, or an error saying why there is
// none. Decide itself fails — with no results — only when ctx ends, when the
// simulator cannot be used at all (ErrAccess, wrapped with oracle.ErrUnavailable),
// or when recording fails.
func (o *Oracle) Decide(ctx context.Context, cases []*model.Case) ([]oracle.Result, error) {
	plan := o.Plan(cases)
	out := make([]oracle.Result, len(cases))
	done := make([]bool, len(cases))
	for _, u := range plan.Unsent {
		out[u.Index] = errorResult(cases[u.Index].ID, u.Err)
		done[u.Index] = true
		o.failed.Add(1)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, o.opts.Concurrency)
	var wg sync.WaitGroup
	for _, call := range plan.Calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := o.run(ctx, cases, call, out, done); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	for i, d := range done {
		if !d {
			// Every case is assigned to a call or to Unsent; reaching this is a bug,
			// and a case must never be lost silently.
			return nil, fmt.Errorf("awsiam: internal error: case %d (%s) got no answer", i, cases[i].ID)
		}
	}
	if o.opts.Recorder != nil {
		if err := o.opts.Recorder.Flush(); err != nil {
			return nil, fmt.Errorf("awsiam: recording: %w", err)
		}
	}
	return out, nil
}

// run makes one call and answers its cases. It returns an error only for failures
// that end the whole run.
func (o *Oracle) run(ctx context.Context, cases []*model.Case, call *Call, out []oracle.Result, done []bool) error {
	o.calls.Add(1)
	ans, err := o.fetch(ctx, call)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrAccess) {
			return err
		}
		if errors.Is(err, ErrRejected) && len(call.Cases) > 1 {
			// The service rejected the call; find which cases it rejects by asking
			// halves, so that one bad case cannot take the others' answers.
			o.bisections.Add(1)
			half := len(call.Cases) / 2
			for n, part := range [][]int{call.Cases[:half], call.Cases[half:]} {
				if err := o.run(ctx, cases, call.subCall(cases, part, n+1), out, done); err != nil {
					return err
				}
			}
			return nil
		}
		for _, i := range call.Cases {
			out[i], done[i] = errorResult(cases[i].ID, err), true
			o.failed.Add(1)
			if errors.Is(err, ErrRejected) {
				// Attributed to this one case: an answer about it, worth keeping.
				if rerr := o.record(cases[i], call, ans, nil, out[i]); rerr != nil {
					return rerr
				}
			}
		}
		return nil
	}
	for _, i := range call.Cases {
		res, raw, err := o.answer(call, cases[i], ans)
		if err != nil {
			out[i], done[i] = errorResult(cases[i].ID, err), true
			o.failed.Add(1)
			continue
		}
		out[i], done[i] = res, true
		o.answered.Add(1)
		if rerr := o.record(cases[i], call, ans, raw, res); rerr != nil {
			return rerr
		}
	}
	return nil
}

// answers is what one call returned over all its pages.
type answers struct {
	results    []types.EvaluationResult
	requestIDs []string
	from       string // recordedFrom
	at         time.Time
}

// fetch makes the requests of one call, following pagination. It returns the
// results only when every page arrived: a call that fails halfway answers none of
// its cases.
func (o *Oracle) fetch(ctx context.Context, call *Call) (*answers, error) {
	ans := &answers{}
	marker := ""
	for page := 0; ; page++ {
		if page >= o.opts.MaxPages {
			return ans, fmt.Errorf("%w: call %s: more than %d pages", ErrMalformed, call.ID, o.opts.MaxPages)
		}
		if !o.opts.Budget.take() {
			what := "before the call"
			if page > 0 {
				what = fmt.Sprintf("after page %d of the call; its %d answered pages are discarded, not used", page, page)
			}
			return ans, fmt.Errorf("%w: %d API requests used %s", ErrBudgetExhausted, o.opts.Budget.Limit(), what)
		}
		o.requests.Add(1)
		res, truncated, next, md, err := o.page(ctx, call, marker)
		if err != nil {
			var re *smithyhttp.ResponseError
			if errors.As(err, &re) {
				ans.from, ans.at = o.sourceOf(re.Response), o.opts.Now().UTC()
			}
			err = o.classify(ctx, call, err)
			if page > 0 && errors.Is(err, ErrRejected) {
				// The first page was accepted, so the input is fine: a rejected
				// continuation (a Marker the service no longer takes) says nothing
				// about the cases and must not be recorded as their answer.
				err = fmt.Errorf("%w: call %s: page %d rejected: %v", ErrAPI, call.ID, page+1, err)
			}
			return ans, err
		}
		ans.results = append(ans.results, res...)
		if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
			ans.requestIDs = append(ans.requestIDs, id)
		}
		raw, _ := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
		ans.from = o.sourceOf(raw)
		ans.at = o.opts.Now().UTC()
		if !truncated {
			return ans, nil
		}
		switch {
		case next == "":
			return ans, fmt.Errorf("%w: call %s: IsTruncated without a Marker", ErrMalformed, call.ID)
		case next == marker:
			return ans, fmt.Errorf("%w: call %s: the same Marker twice", ErrMalformed, call.ID)
		}
		marker = next
	}
}

func (o *Oracle) page(ctx context.Context, call *Call, marker string) ([]types.EvaluationResult, bool, string, middleware.Metadata, error) {
	var m *string
	if marker != "" {
		m = aws.String(marker)
	}
	if call.Operation == replay.OpPrincipal {
		in := call.principalInput()
		in.Marker, in.MaxItems = m, aws.Int32(o.opts.MaxItems)
		out, err := o.api.SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			return nil, false, "", middleware.Metadata{}, err
		}
		return out.EvaluationResults, out.IsTruncated, aws.ToString(out.Marker), out.ResultMetadata, nil
	}
	in := call.customInput()
	in.Marker, in.MaxItems = m, aws.Int32(o.opts.MaxItems)
	out, err := o.api.SimulateCustomPolicy(ctx, in)
	if err != nil {
		return nil, false, "", middleware.Metadata{}, err
	}
	return out.EvaluationResults, out.IsTruncated, aws.ToString(out.Marker), out.ResultMetadata, nil
}

// sourceOf says who answered, for records: a local endpoint names itself in
// ServerHeader; any other custom endpoint is "not AWS" too; only the default
// endpoint is AWS.
func (o *Oracle) sourceOf(raw *smithyhttp.Response) string {
	if raw != nil && raw.Response != nil {
		if v := raw.Header.Get(ServerHeader); v != "" {
			return "iamfuzz serve (" + v + "), not AWS"
		}
	}
	if o.opts.Endpoint != "" {
		return "endpoint " + o.opts.Endpoint + ", not AWS"
	}
	return replay.FromAWSPrefix + o.operation()
}

// Error codes by what they mean for the run.
var (
	accessCodes = map[string]bool{
		"AccessDenied": true, "AccessDeniedException": true, "UnrecognizedClientException": true,
		"InvalidClientTokenId": true, "ExpiredToken": true, "ExpiredTokenException": true,
		"SignatureDoesNotMatch": true, "IncompleteSignature": true, "MissingAuthenticationToken": true,
		"InvalidAccessKeyId": true, "AuthFailure": true, "OptInRequired": true,
	}
	rejectCodes = map[string]bool{
		"InvalidInput": true, "PolicyEvaluation": true, "MalformedPolicyDocument": true,
		"NoSuchEntity": true, "ValidationError": true, "InvalidParameterValue": true,
		"InvalidParameterCombination": true, "MissingParameter": true,
	}
)

// classify turns a failed request (after the SDK's retries) into a per-case error
// kind, or into ErrAccess for failures that end the run.
func (o *Oracle) classify(ctx context.Context, call *Call, err error) error {
	if ctx.Err() != nil {
		return err // the run was stopped or ran out of time: not the case's failure
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// The HTTP client's attempt timeout, on every attempt.
		return fmt.Errorf("%w: call %s: %w", ErrTimeout, call.ID, err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var signing *v4.SigningError
	if errors.As(err, &signing) {
		return fmt.Errorf("%w: %w: %w", oracle.ErrUnavailable, ErrAccess, err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case accessCodes[code]:
			return fmt.Errorf("%w: %w: %w", oracle.ErrUnavailable, ErrAccess, err)
		case isThrottle(code):
			return fmt.Errorf("%w: call %s: %w", ErrThrottled, call.ID, err)
		case rejectCodes[code]:
			return fmt.Errorf("%w: %s: %s", ErrRejected, code, ae.ErrorMessage())
		}
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return fmt.Errorf("%w: call %s: %w", ErrMalformed, call.ID, err)
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && status.HTTPStatusCode() >= 500 {
		return fmt.Errorf("%w: call %s: %w", ErrServer, call.ID, err)
	}
	if ae != nil {
		return fmt.Errorf("%w: call %s: %w", ErrAPI, call.ID, err)
	}
	return fmt.Errorf("%w: call %s: %w", ErrTransport, call.ID, err)
}

func isThrottle(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}

// hit is the part of an answer that decides one case.
type hit struct {
	top       *types.EvaluationResult
	decision  string
	matched   []types.Statement
	missing   []string
	boundary  *types.PermissionsBoundaryDecisionDetail
	resource  string
	perResult bool // from ResourceSpecificResults
}

// answer finds the case's action and resource in the call's results. The current
// simulator returns one EvaluationResult per action with one
// ResourceSpecificResult per resource; the previous model returned one result per
// action and resource with EvalResourceName set to the ARN. Both are read; anything
// else is an error, never a guess.
func (o *Oracle) answer(call *Call, c *model.Case, ans *answers) (oracle.Result, *replay.Answer, error) {
	var hits []hit
	for i := range ans.results {
		r := &ans.results[i]
		if !strings.EqualFold(aws.ToString(r.EvalActionName), c.Request.Action) {
			continue
		}
		if call.Resources == nil {
			hits = append(hits, hit{top: r, decision: string(r.EvalDecision), matched: r.MatchedStatements, missing: r.MissingContextValues,
				boundary: r.PermissionsBoundaryDecisionDetail, resource: aws.ToString(r.EvalResourceName)})
			continue
		}
		found := false
		for j := range r.ResourceSpecificResults {
			rs := &r.ResourceSpecificResults[j]
			if aws.ToString(rs.EvalResourceName) != c.Request.Resource {
				continue
			}
			found = true
			missing := rs.MissingContextValues
			if missing == nil && len(call.Resources) == 1 {
				missing = r.MissingContextValues
			}
			hits = append(hits, hit{top: r, decision: string(rs.EvalResourceDecision), matched: rs.MatchedStatements, missing: missing,
				boundary: rs.PermissionsBoundaryDecisionDetail, resource: c.Request.Resource, perResult: true})
		}
		if !found && len(r.ResourceSpecificResults) == 0 && aws.ToString(r.EvalResourceName) == c.Request.Resource {
			hits = append(hits, hit{top: r, decision: string(r.EvalDecision), matched: r.MatchedStatements, missing: r.MissingContextValues,
				boundary: r.PermissionsBoundaryDecisionDetail, resource: c.Request.Resource})
		}
	}
	if len(hits) == 0 {
		return oracle.Result{}, nil, fmt.Errorf("%w: call %s returned %d results and none for %s on %s", ErrIncomplete, call.ID, len(ans.results), c.Request.Action, c.Request.Resource)
	}
	h := hits[0]
	for _, other := range hits[1:] {
		if other.decision != h.decision {
			return oracle.Result{}, nil, fmt.Errorf("%w: call %s answered %s on %s both %s and %s", ErrMalformed, call.ID, c.Request.Action, c.Request.Resource, h.decision, other.decision)
		}
	}
	if _, ok := model.ParseDecision(h.decision); !ok {
		return oracle.Result{}, nil, fmt.Errorf("%w: call %s: decision %q for %s on %s is not allowed, explicitDeny or implicitDeny", ErrMalformed, call.ID, h.decision, c.Request.Action, c.Request.Resource)
	}
	res := oracle.Result{ID: c.ID, Decision: h.decision, Missing: append([]string(nil), h.missing...),
		Extra: map[string]any{"call": call.ID, "recordedFrom": ans.from}}
	raw := &replay.Answer{EvalActionName: aws.ToString(h.top.EvalActionName), EvalResourceName: h.resource, EvalDecision: h.decision,
		MissingContextValues: append([]string{}, h.missing...), MatchedStatements: []replay.Statement{}, RequestIDs: ans.requestIDs}
	for _, st := range h.matched {
		res.Matched = append(res.Matched, call.mapStatement(o, st))
		raw.MatchedStatements = append(raw.MatchedStatements, replay.Statement{SourcePolicyID: aws.ToString(st.SourcePolicyId),
			SourcePolicyType: string(st.SourcePolicyType), Start: posOf(st.StartPosition), End: posOf(st.EndPosition)})
	}
	if d := h.top.OrganizationsDecisionDetail; d != nil {
		raw.AllowedByOrganizations = aws.Bool(d.AllowedByOrganizations)
		res.Extra["allowedByOrganizations"] = d.AllowedByOrganizations
	}
	if h.boundary != nil {
		raw.AllowedByPermissionsBoundary = aws.Bool(h.boundary.AllowedByPermissionsBoundary)
		res.Extra["allowedByPermissionsBoundary"] = h.boundary.AllowedByPermissionsBoundary
	}
	if len(h.top.EvalDecisionDetails) > 0 {
		raw.EvalDecisionDetails = map[string]string{}
		for k, v := range h.top.EvalDecisionDetails {
			raw.EvalDecisionDetails[k] = string(v)
		}
	}
	if h.perResult {
		res.Extra["evalResourceName"] = aws.ToString(h.top.EvalResourceName)
	}
	return res, raw, nil
}

func posOf(p *types.Position) [2]int {
	if p == nil {
		return [2]int{}
	}
	return [2]int{int(p.Line), int(p.Column)}
}

// record writes one answered case to the recorder, if any.
func (o *Oracle) record(c *model.Case, call *Call, ans *answers, raw *replay.Answer, res oracle.Result) error {
	if o.opts.Recorder == nil {
		return nil
	}
	rec, err := replay.NewRecord(c, call.Operation)
	if err != nil {
		return fmt.Errorf("awsiam: recording %s: %w", c.ID, err)
	}
	rec.RecordedFrom, rec.SDK = o.sourceOf(nil), SDKVersion()
	at := o.opts.Now().UTC()
	if ans != nil && ans.from != "" {
		rec.RecordedFrom, at = ans.from, ans.at
	}
	rec.AskedAt = at.Format(time.RFC3339)
	rec.Decision, rec.Matched, rec.Missing, rec.Error, rec.ErrorKind = res.Decision, res.Matched, res.Missing, res.Err, res.ErrKind
	rec.Answer = raw
	endpoint := o.opts.Endpoint
	if endpoint == "" {
		endpoint = "AWS"
	}
	rec.Sent = call.sent(endpoint)
	if err := o.opts.Recorder.Write(rec); err != nil {
		return fmt.Errorf("awsiam: recording %s: %w", c.ID, err)
	}
	return nil
}

func errorResult(id string, err error) oracle.Result {
	kind := KindOf(err)
	if kind == "" {
		kind = model.KindOf(err)
	}
	return oracle.Result{ID: id, Err: err.Error(), ErrKind: kind}
}
