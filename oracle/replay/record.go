// Package replay records the answers of AWS's policy simulator as readable JSON
// lines and answers cases from them again with no network: the oracle that CI uses
// where no AWS credentials exist.
//
// A record is one line of a *.jsonl file (corpus/recorded/). It is a case in the eval
// format (docs/eval-format.md) — id, policies with their exact text inlined, request —
// so the file can be given to "iamfuzz diff --cases" and "iamfuzz eval" as it is, plus
// the answer: decision, matched statements, missing keys, the raw answer of the
// simulator, what was sent (never credentials or signatures), the date asked, the API
// operation and the SDK version. "recordedFrom" says who answered: "AWS
// SimulateCustomPolicy" for real answers, anything else (such as "iamfuzz serve
// (model), not AWS") for answers that are not ground truth, and those go to files
// named not-aws-*.jsonl.
//
// Records are found by Key: a hash of the operation, the policies' exact texts and
// the request. A case that was not recorded is answered with an error, never a guess,
// and a record whose case no longer hashes to its key (edited by hand) is refused.
package replay

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// Operations of the simulator that records come from.
const (
	OpCustom    = "SimulateCustomPolicy"
	OpPrincipal = "SimulatePrincipalPolicy"
)

// FromAWSPrefix starts RecordedFrom for answers that came from AWS itself.
const FromAWSPrefix = "AWS "

// Record is one recorded answer: the case it answers and what the simulator said.
type Record struct {
	// The case, in the eval format, self-contained: every policy is inlined.
	ID       string             `json:"id"`
	Policies model.CasePolicies `json:"policies"`
	Request  model.CaseRequest  `json:"request"`

	// RecordedFrom says who answered. Only values starting with "AWS " are answers
	// from AWS; everything else is not ground truth and says so.
	RecordedFrom string `json:"recordedFrom"`
	// Operation is the simulator operation asked (SimulateCustomPolicy or
	// SimulatePrincipalPolicy).
	Operation string `json:"operation"`
	// AskedAt is when the answer was received, RFC 3339 in UTC.
	AskedAt string `json:"askedAt"`
	// SDK names the client that asked, e.g. "aws-sdk-go-v2/service/iam v1.64.8".
	SDK string `json:"sdk"`
	// Key is Key(case, Operation); replay finds records by it.
	Key string `json:"key"`

	// The answer in the eval format's terms. Either Decision or Error is set; an
	// error is recorded only when the service itself rejected the case
	// (InvalidInput and the like), never for throttling, network failures or a
	// budget that ran out.
	Decision  string               `json:"decision,omitempty"`
	Matched   []oracle.MatchedStmt `json:"matched,omitempty"`
	Missing   []string             `json:"missing,omitempty"`
	Error     string               `json:"error,omitempty"`
	ErrorKind string               `json:"errorKind,omitempty"`

	// Answer is the simulator's own answer for this action and resource.
	Answer *Answer `json:"answer,omitempty"`
	// Sent is what the call carried, for a person to check the question.
	Sent *Sent `json:"sent,omitempty"`
}

// Answer is what the simulator returned for one case, in its own terms.
type Answer struct {
	EvalActionName               string            `json:"evalActionName"`
	EvalResourceName             string            `json:"evalResourceName"`
	EvalDecision                 string            `json:"evalDecision"`
	MatchedStatements            []Statement       `json:"matchedStatements"`
	MissingContextValues         []string          `json:"missingContextValues"`
	AllowedByOrganizations       *bool             `json:"allowedByOrganizations,omitempty"`
	AllowedByPermissionsBoundary *bool             `json:"allowedByPermissionsBoundary,omitempty"`
	EvalDecisionDetails          map[string]string `json:"evalDecisionDetails,omitempty"`
	RequestIDs                   []string          `json:"requestIds,omitempty"`
}

// Statement is one matched statement as the simulator reported it.
type Statement struct {
	SourcePolicyID   string `json:"sourcePolicyId"`
	SourcePolicyType string `json:"sourcePolicyType,omitempty"`
	Start            [2]int `json:"start"` // line, column
	End              [2]int `json:"end"`
}

// Sent describes the call that carried the case.
type Sent struct {
	Endpoint        string         `json:"endpoint"` // "AWS" or the endpoint URL
	Call            string         `json:"call"`     // the call's group hash, as --dry-run prints it
	Actions         int            `json:"actions"`
	Resources       int            `json:"resources"`
	PolicySourceArn string         `json:"policySourceArn,omitempty"`
	CallerArn       string         `json:"callerArn,omitempty"`
	ResourceOwner   string         `json:"resourceOwner,omitempty"`
	ContextEntries  []ContextEntry `json:"contextEntries"`
}

// ContextEntry is one context key as sent.
type ContextEntry struct {
	Key    string   `json:"key"`
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

// FromAWS reports whether the record is an answer from AWS itself.
func (r *Record) FromAWS() bool { return strings.HasPrefix(r.RecordedFrom, FromAWSPrefix) }

// Result returns the record's answer as an oracle Result for a case with the given ID.
func (r *Record) Result(id string) oracle.Result {
	res := oracle.Result{ID: id, Decision: r.Decision, Matched: r.Matched, Missing: r.Missing,
		Err: r.Error, ErrKind: r.ErrorKind,
		Extra: map[string]any{"recordedFrom": r.RecordedFrom, "askedAt": r.AskedAt, "operation": r.Operation}}
	return res
}

// ErrNotKeyable is wrapped when a case cannot be hashed (a $ref that cannot be read).
var ErrNotKeyable = errors.New("case cannot be keyed")

// Key returns the canonical hash of a case for an operation: the operation, every
// policy's exact text (whitespace matters: the simulator's positions depend on it)
// and the request — principal, action, resource, resource account and context, with
// context keys lower-cased (IAM compares them case-insensitively) and values in the
// form the evaluator reads them (true and "true" are the same value). The case's ID,
// expectation and source are not part of it.
func Key(c *model.Case, op string) (string, error) {
	type ctxEntry struct {
		Key    string   `json:"k"`
		Multi  bool     `json:"m"`
		Values []string `json:"v"`
	}
	var canon struct {
		Op              string     `json:"op"`
		Identity        []string   `json:"identity"`
		Boundary        []string   `json:"boundary"`
		SCP             [][]string `json:"scp"`
		Resource        []string   `json:"resourcePolicies"`
		RCP             [][]string `json:"rcp,omitempty"` // omitted when empty: keys of cases without RCPs keep their value
		Principal       string     `json:"principal"`
		Action          string     `json:"action"`
		ResourceARN     string     `json:"resource"`
		ResourceAccount string     `json:"resourceAccount"`
		Context         []ctxEntry `json:"context"`
	}
	text := func(v jsontext.Value) (string, error) {
		t, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrNotKeyable, err)
		}
		return string(t), nil
	}
	// Empty lists and levels are part of the key (an empty SCP level denies
	// everything); RCP levels are omitted when there are none.
	canon.Op = op
	canon.Identity, canon.Boundary, canon.Resource = []string{}, []string{}, []string{}
	canon.SCP = emptyLevels(len(c.Policies.SCP))
	if len(c.Policies.RCP) > 0 {
		canon.RCP = emptyLevels(len(c.Policies.RCP))
	}
	for ref, v := range c.Policies.All() {
		t, err := text(v)
		if err != nil {
			return "", err
		}
		switch ref.Type {
		case model.IdentityPolicy:
			canon.Identity = append(canon.Identity, t)
		case model.BoundaryPolicy:
			canon.Boundary = append(canon.Boundary, t)
		case model.SCPPolicy:
			canon.SCP[ref.Level] = append(canon.SCP[ref.Level], t)
		case model.ResourcePolicy:
			canon.Resource = append(canon.Resource, t)
		case model.RCPPolicy:
			canon.RCP[ref.Level] = append(canon.RCP[ref.Level], t)
		default:
			// A policy the key cannot hold would let two different cases share
			// an answer: refuse instead.
			return "", fmt.Errorf("%w: %s: the key has no place for %s policies", ErrNotKeyable, ref, ref.Type)
		}
	}
	canon.Principal, canon.Action, canon.ResourceARN, canon.ResourceAccount =
		c.Request.Principal, c.Request.Action, c.Request.Resource, c.Request.ResourceAccount
	canon.Context = make([]ctxEntry, 0, len(c.Request.Context))
	for k, v := range c.Request.Context {
		cv, err := model.ParseContextValue(v)
		if err != nil {
			return "", fmt.Errorf("%w: request.context.%s: %v", ErrNotKeyable, k, err)
		}
		canon.Context = append(canon.Context, ctxEntry{Key: strings.ToLower(k), Multi: cv.Multi, Values: cv.Values})
	}
	sort.Slice(canon.Context, func(i, j int) bool { return canon.Context[i].Key < canon.Context[j].Key })
	data, err := json.Marshal(canon, json.Deterministic(true))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNotKeyable, err)
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func emptyLevels(n int) [][]string {
	out := make([][]string, n)
	for i := range out {
		out[i] = []string{}
	}
	return out
}

// NewRecord returns a record of case c for an operation, with every policy inlined
// as a JSON string of its exact text (a $ref becomes the file's content), and its
// key. A policy written as a JSON object is stored as a string too: the record's
// writer re-encodes objects compactly, and the key hashes the text as sent, with
// its whitespace. It checks that the self-contained case hashes to the same key.
func NewRecord(c *model.Case, op string) (*Record, error) {
	key, err := Key(c, op)
	if err != nil {
		return nil, err
	}
	r := &Record{ID: c.ID, Request: c.Request, Operation: op, Key: key}
	r.Policies, err = c.Policies.Map(func(_ model.PolicyRef, v jsontext.Value) (jsontext.Value, error) {
		if v.Kind() != '{' {
			return v, nil
		}
		t, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotKeyable, err)
		}
		q, err := jsontext.AppendQuote(nil, string(t))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotKeyable, err)
		}
		return q, nil
	})
	if err != nil {
		return nil, err
	}
	if again, err := Key(r.Case(), op); err != nil || again != key {
		return nil, fmt.Errorf("%w: the self-contained case hashes to %s, not %s (%v)", ErrNotKeyable, again, key, err)
	}
	return r, nil
}

// Case returns the record's case.
func (r *Record) Case() *model.Case {
	return &model.Case{ID: r.ID, Policies: r.Policies, Request: r.Request}
}
