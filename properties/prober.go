package properties

import (
	"reflect"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// prober is one worker's reusable storage for drawing and checking probes: the
// request, its context map, the evaluator and the result are reused from probe to
// probe, and the strings a probe is made of (caller ARNs, resources, context
// lists) are memoized, so that in the steady state a probe allocates nothing
// (docs/performance.md, issue 15). Drawing through a prober gives exactly the
// probe Draw gives: the memo changes where strings come from, never the choices.
// A prober belongs to one target (its memo depends on the vocabulary and spec)
// and one goroutine at a time; Target.probers holds the idle ones.
type prober struct {
	req  model.Request
	ctx  map[string]model.ContextValue
	res  model.Result
	eval model.Evaluator

	strs   map[strKey]string
	ctxs   map[string][]ContextEntry
	names  map[string]string
	accept map[acceptKey]bool
	owners map[string]ownerHit
	key    []byte // a context's choices, as the key of ctxs
	name   []byte // a random name being drawn

	// The last caller Judgeable parsed (parseCaller).
	callerARN string
	caller    Caller
	callerErr error
	callerOK  bool

	// classCtx is the context map of the class req was last made for, kept
	// alive so that its address is not reused; classOK says req was last made
	// for a class (checkClass), not a probe. Classes share read-only context
	// maps, so a class of the same caller and the same map only retargets req
	// (model.Request.Retarget; docs/performance.md, issue 15).
	classCtx map[string]model.ContextValue
	classOK  bool
}

// maxProberMemo bounds each memo map of a prober; a full map is emptied, so
// ever-new values (random names) cost what they cost without a prober.
const maxProberMemo = 1 << 14

// strKey names one memoized string: what kind of string, of which caller, with
// which index or text.
type strKey struct {
	kind strKind
	k    int32
	c    Caller
	s    string
}

type strKind uint8

const (
	strCallerARN   strKind = iota + 1 // c.ARN()
	strUserRes                        // v.userResource(c, k)
	strMFARes                         // v.mfaResource(c, k)
	strFilled                         // fillARNTemplate(s, c.Account)
	strCaseVariant                    // respell(s, k)
	strInstance                       // template s instantiated for c
)

type acceptKey struct {
	act *catalog.Action
	res string
}

// ownerHit is OwnerOnly.Owner's answer for one resource.
type ownerHit struct {
	acct, name string
	tpl        int // index in Owned
	ok         bool
}

func newProber() *prober {
	return &prober{
		ctx: map[string]model.ContextValue{}, strs: map[strKey]string{}, ctxs: map[string][]ContextEntry{},
		names: map[string]string{}, accept: map[acceptKey]bool{}, owners: map[string]ownerHit{},
	}
}

// str returns the string key names, computing it with f the first time. A nil
// prober computes it every time.
func (w *prober) str(key strKey, f func() string) string {
	if w == nil {
		return f()
	}
	if s, ok := w.strs[key]; ok {
		return s
	}
	s := f()
	if len(w.strs) >= maxProberMemo {
		clear(w.strs)
	}
	w.strs[key] = s
	return s
}

// accepts is act.AcceptsResource(res), memoized.
func (w *prober) accepts(act *catalog.Action, res string) bool {
	k := acceptKey{act, res}
	if ok, seen := w.accept[k]; seen {
		return ok
	}
	ok := act.AcceptsResource(res)
	if len(w.accept) >= maxProberMemo {
		clear(w.accept)
	}
	w.accept[k] = ok
	return ok
}

// owner is j's view of o.Owner(resource), memoized by the worker.
func (j *judgement) owner(o *OwnerOnly, resource string) (account, name string, tpl Template, ok bool) {
	w := j.w
	if w == nil {
		return o.Owner(resource)
	}
	h, seen := w.owners[resource]
	if !seen {
		h.tpl = -1
		for i, t := range o.Owned {
			if a, _, n, hit := t.Match(resource); hit {
				h = ownerHit{acct: a, name: n, tpl: i, ok: true}
				break
			}
		}
		if len(w.owners) >= maxProberMemo {
			clear(w.owners)
		}
		w.owners[resource] = h
	}
	if !h.ok {
		return "", "", Template{}, false
	}
	return h.acct, h.name, o.Owned[h.tpl], true
}

// parseCaller is ParseCaller(arn), kept by the worker for the last ARN:
// consecutive classes of the proof engine share their caller.
func (j *judgement) parseCaller(arn string) (Caller, error) {
	w := j.w
	if w == nil {
		return ParseCaller(arn)
	}
	if w.callerOK && w.callerARN == arn {
		return w.caller, w.callerErr
	}
	w.caller, w.callerErr = ParseCaller(arn)
	w.callerARN, w.callerOK = arn, true
	return w.caller, w.callerErr
}

// getProber takes an idle prober of the target, or makes one.
func (t *Target) getProber() *prober {
	if w, ok := t.probers.Get().(*prober); ok {
		return w
	}
	return newProber()
}

// check decides and judges p in the worker's storage. Only a probe with
// violations gets a request of its own (ProbeOutcome.Request, and each
// violation's), built afresh: the worker's is reused for the next probe.
func (t *Target) check(p Probe, w *prober) ProbeOutcome {
	w.classOK = false
	clear(w.ctx)
	var ctx map[string]model.ContextValue
	if len(p.Context) > 0 {
		for _, e := range p.Context {
			w.ctx[e.Key] = e.Value
		}
		ctx = w.ctx
	}
	principal := w.str(strKey{kind: strCallerARN, c: p.Caller}, p.Caller.ARN)
	po := t.decideIn(w, principal, p.Action, p.Resource, ctx, false)
	if len(po.Violations) > 0 {
		po = ownRequest(p, po)
	}
	return po
}

// checkClass is check(probeOf(c), w), with the probe built only for a class
// that breaks an invariant: the request is made from the class's context map
// as it is (lower-cased keys, which name the same keys: IAM's context keys
// are case-insensitive, docs/semantics.md) and arn, the ARN of the class's
// caller. The probe is returned with the violations, for minimizing.
func (t *Target) checkClass(c *partition.Class, arn string, w *prober) (Probe, ProbeOutcome) {
	var ctx map[string]model.ContextValue
	if len(c.Context) > 0 {
		ctx = c.Context
	}
	same := w.classOK && arn == w.req.Principal && sameMap(ctx, w.classCtx)
	w.classCtx, w.classOK = ctx, true
	po := t.decideIn(w, arn, c.Action, c.Resource, ctx, same)
	if len(po.Violations) == 0 {
		return Probe{}, po
	}
	p := probeOf(c)
	return p, ownRequest(p, po)
}

// sameMap reports whether a and b are the same map (not merely equal ones).
func sameMap(a, b map[string]model.ContextValue) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// decideIn decides and judges one request in the worker's storage; retarget
// says the worker's request is already of principal and ctx, unchanged since.
func (t *Target) decideIn(w *prober, principal, action, resource string, ctx map[string]model.ContextValue, retarget bool) ProbeOutcome {
	r := &w.req
	var err error
	if retarget {
		err = r.Retarget(action, resource, "")
	} else {
		err = r.Reset(principal, action, resource, "", ctx)
	}
	if err != nil {
		return ProbeOutcome{Err: err}
	}
	b := t.bundleFor(r)
	if plantedBundleBug && w.classOK {
		b = plantedClassBundle(t, b, r)
	}
	w.eval.Decide(b, r, &w.res)
	j := judgement{req: r, w: w}
	po := ProbeOutcome{Violations: t.judge(r, &w.res, &j)}
	po.Judged = j.get()
	return po
}

// ownRequest gives a probe's violations a request of their own, built afresh
// from the probe: the worker's is reused for the next one.
func ownRequest(p Probe, po ProbeOutcome) ProbeOutcome {
	own, err := p.Request()
	if err != nil {
		return ProbeOutcome{Err: err} // cannot happen: the worker's request was built from the same probe
	}
	po.Request = own
	for _, v := range po.Violations {
		v.Request = own
	}
	return po
}
