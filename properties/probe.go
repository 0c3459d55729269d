package properties

import (
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
)

// Probe is one generated request, kept structured (the caller is a Caller, not
// an ARN) so that resources can be derived from the caller and minimization can
// simplify it piece by piece. Request and CaseRequest turn it into the model's
// request and the eval format's.
type Probe struct {
	Caller   Caller
	Action   string
	Resource string
	Context  []ContextEntry // in a stable order
}

// ContextEntry is one context key of a probe.
type ContextEntry struct {
	Key   string
	Value model.ContextValue
}

// Request builds the model's request; the model rejects malformed probes.
func (p Probe) Request() (*model.Request, error) {
	var ctx map[string]model.ContextValue
	if len(p.Context) > 0 {
		ctx = make(map[string]model.ContextValue, len(p.Context))
		for _, e := range p.Context {
			ctx[e.Key] = e.Value
		}
	}
	return model.NewRequest(p.Caller.ARN(), p.Action, p.Resource, ctx)
}

// CaseRequest returns the probe in the eval format.
func (p Probe) CaseRequest() model.CaseRequest {
	cr := model.CaseRequest{Principal: p.Caller.ARN(), Action: p.Action, Resource: p.Resource}
	for _, e := range p.Context {
		if cr.Context == nil {
			cr.Context = map[string]jsontext.Value{}
		}
		cr.Context[e.Key] = contextJSON(e.Value)
	}
	return cr
}

// CaseRequestOf returns a model request in the eval format.
func CaseRequestOf(r *model.Request) model.CaseRequest {
	cr := model.CaseRequest{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount}
	for k, v := range r.Context {
		if cr.Context == nil {
			cr.Context = map[string]jsontext.Value{}
		}
		cr.Context[k] = contextJSON(v)
	}
	return cr
}

func contextJSON(v model.ContextValue) jsontext.Value {
	if !v.Multi && len(v.Values) == 1 {
		q, _ := jsontext.AppendQuote(nil, v.Values[0])
		return q
	}
	b := []byte{'['}
	for i, s := range v.Values {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, s)
	}
	return append(b, ']')
}
