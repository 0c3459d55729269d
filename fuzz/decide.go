package fuzz

import (
	"fmt"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/internal/warmstack"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties/choice"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
	"github.com/iamfuzz/iamfuzz/properties/mutate"
)

// checkDecide is the decide target's property over one input (DecideCase):
// decisions are deterministic and Explain agrees with Decide; equivalent
// rewrites decide the same; turning an applicable Allow into a Deny always
// yields explicitDeny; adding an Allow never removes access. It returns the
// first violation with the case as an eval line, or nil.
func checkDecide(data []byte) error {
	c := DecideCase(data)
	cs := &generatedCaches
	if isCorpusInput(data) {
		cs = &corpusCaches
	}
	b, err := c.Bundle(&cs.policies)
	if err != nil {
		return nil // an invalid policy: the parse target's business
	}
	// The request is prepared into a reused Request (Case.RequestInto, as eval
	// and check prepare theirs, with derived strings such as the caller's
	// aws:userid memoized), and on one input in four also afresh
	// (Case.BuildRequest) for the fresh evaluator below: both ways of preparing
	// a request are fuzzed and must agree.
	r := requests.Get().(*model.Request)
	defer requests.Put(r)
	if err := c.RequestInto(r, nil); err != nil {
		return nil
	}
	fresh := r
	if len(data)%4 == 2 {
		if fresh, err = c.BuildRequest(); err != nil {
			return fmt.Errorf("BuildRequest fails where RequestInto does not: %w\ncase: %s", err, caseLine(c))
		}
	}
	// e1 is reused from input to input (evaluators are meant to be reused, and
	// their buffers then cost no allocation), e2 is a fresh one: a decision that
	// depends on what an evaluator decided before shows as a difference.
	e1 := evaluators.Get().(*model.Evaluator)
	defer evaluators.Put(e1)
	var e2 model.Evaluator
	var first, again model.Result
	e1.Decide(b, r, &first)
	e1.Decide(b, r, &again)
	if !sameResult(first, again) {
		return fmt.Errorf("not deterministic (the same evaluator twice): %+v then %+v\ncase: %s", first, again, caseLine(c))
	}
	e2.Decide(b, fresh, &again)
	if !sameResult(first, again) {
		return fmt.Errorf("not deterministic (a fresh evaluator, a request prepared afresh: %t): %+v then %+v\ncase: %s", fresh != r, first, again, caseLine(c))
	}
	// The trace finds the applicable identity Allow statements for the Deny
	// copies below. There are none to copy when the request is already
	// explicitly denied or no identity Allow applies, so the trace is then
	// built only on one input in four, to check that Explain agrees with Decide.
	needTrace := first.Decision != model.ExplicitDeny && first.Reason != model.ReasonNoAllow && first.Reason != model.ReasonCrossAccountNoAllow
	trace := &model.Trace{}
	if needTrace || len(data)%4 == 1 {
		var res2 model.Result
		res2, trace = e2.Explain(b, r)
		if !sameResult(first, res2) {
			return fmt.Errorf("the trace (Explain) disagrees with the decision: %+v vs %+v\ncase: %s", first, res2, caseLine(c))
		}
	}

	// Equivalent rewrites (properties/mutate: reordered and split statements,
	// string↔list, action case, Sid renames, …) of the first identity policy
	// agree with it. Building the ~11 rewrites costs a parse each, so one input
	// in eight checks them (the fuzzer varies which; properties/mutate's own
	// tests check every rewrite on 20,000 requests); rewrites are memoized per
	// compiled policy. Parse∘marshal∘parse itself is the parse target's.
	if len(b.Identity) > 0 && len(data)%8 == 0 {
		rws, err := cs.rewrites(b.Identity[0])
		if err != nil {
			return err
		}
		for _, v := range rws {
			alt := *b
			alt.Identity = append([]*model.Compiled{v.compiled}, b.Identity[1:]...)
			var ar model.Result
			e1.Decide(&alt, r, &ar)
			if ar.Decision != first.Decision {
				return fmt.Errorf("equivalent rewrite %s (%s) changed the decision: %s → %s\nrewritten: %s\ncase: %s", v.id, v.desc, first.Decision, ar.Decision, v.compiled.Policy.Marshal(), caseLine(c))
			}
		}
	}

	// Deny dominance: an identity Allow statement that applied (the first one;
	// the fuzzer varies which), turned into a Deny and added, must give
	// explicitDeny.
	denied := false
	for _, pt := range trace.Policies {
		for _, st := range pt.Statements {
			if denied || !st.Applies || st.Deny || pt.Ref.Type != model.IdentityPolicy {
				continue
			}
			denied = true
			withDeny := *b
			withDeny.Identity = append(append([]*model.Compiled{}, b.Identity...), cs.denyCopy(b.Identity[pt.Ref.Index], st.Index))
			var d model.Result
			e1.Decide(&withDeny, r, &d)
			if d.Decision != model.ExplicitDeny {
				return fmt.Errorf("adding a Deny copy of applicable statement %s#%d gave %s, not explicitDeny\ncase: %s", pt.Name, st.Index, d.Decision, caseLine(c))
			}
		}
	}

	// Allow monotonicity: an extra Allow-only identity policy never removes
	// access. Only an allowed request can lose access, so only then is the
	// extra policy drawn.
	if first.Decision == model.Allowed {
		if ex := extraPolicy(data); ex.compiled != nil {
			more := *b
			more.Identity = append(append([]*model.Compiled{}, b.Identity...), ex.compiled)
			var m model.Result
			e1.Decide(&more, r, &m)
			if m.Decision != model.Allowed {
				return fmt.Errorf("adding an Allow-only policy removed access: %s\nextra: %s\ncase: %s", m.Decision, ex.text, caseLine(c))
			}
		}
	}
	return nil
}

// checkDecideWarm is checkDecide on a goroutine whose stack has grown once
// (internal/warmstack): on go test -fuzz's fresh goroutine per execution, the
// property's stack growth cost two thirds as much as the property.
var checkDecideWarm = warmstack.New(checkDecide)

// The extra Allow policy of the monotonicity check. Drawing, parsing and
// compiling a fresh one for every allowed input was the largest share of the
// property's cost (18 % of BenchmarkDecideMutated's instructions), so most
// inputs take one of extraPool policies, each drawn once per process
// (gencase.Policy over a seeded PRNG) and kept; one input in extraFreshEvery
// still draws its own from its last extraLen bytes, so the fuzzer can reach
// any extra policy the generator can write.
const (
	extraPool       = 1024
	extraFreshEvery = 8
	extraLen        = 48
)

// extra is the monotonicity check's extra identity policy: its text, and the
// compiled policy when it is valid and Allow-only (nil otherwise).
type extra struct {
	text     string
	compiled *model.Compiled
}

// extraPolicy returns the extra policy of an input: pool entry number (the
// input's last two bytes) mod extraPool, or on one input in extraFreshEvery one
// drawn from the input's last extraLen bytes (after a 7, which picks Version
// 2012-10-17). Either is memoized by what it is drawn from: a generated policy is
// a function of its choices.
func extraPolicy(data []byte) extra {
	data = data[:min(len(data), maxDecideInput)]
	tail := data[max(0, len(data)-extraLen):]
	if len(data)%extraFreshEvery != 5 {
		k := 0
		for _, b := range data[max(0, len(data)-2):] {
			k = k<<8 | int(b)
		}
		k %= extraPool
		ex, _ := extraPoolMemo.get(k, func() (extra, error) {
			return compileExtra(gencase.Policy(choice.NewRandSource(uint64(k)), 2)), nil
		})
		return ex
	}
	var key [1 + extraLen]byte
	key[0] = 7
	n := 1 + copy(key[1:], tail)
	ex, _ := extraMemo.get(string(key[:n]), func() (extra, error) {
		return compileExtra(gencase.Policy(choice.NewBytesSource(key[:n]), 2)), nil
	})
	return ex
}

func compileExtra(text string) extra {
	cp, err := generatedCaches.policies.Compile([]byte(text), model.IdentityPolicy)
	if err != nil || hasDeny(cp.Policy) {
		return extra{text: text}
	}
	return extra{text, cp}
}

type rewrite struct {
	id, desc string
	compiled *model.Compiled
}

// rewrites returns the equivalent rewrites of a compiled policy, compiled;
// memoized per compiled policy (compiled policies come from cs.policies).
func (cs *caches) rewrites(cp *model.Compiled) ([]rewrite, error) {
	return cs.rewriteMemo.get(cp, func() ([]rewrite, error) {
		vs, err := mutate.Equivalent(cp.Policy)
		if err != nil {
			return nil, fmt.Errorf("equivalent rewrites: %w\n%s", err, cp.Policy.Marshal())
		}
		out := make([]rewrite, 0, len(vs))
		for _, v := range vs {
			out = append(out, rewrite{v.ID, v.Description, model.Compile(v.Policy)})
		}
		return out, nil
	})
}

// denyCopy returns a compiled policy with statement stmt of cp appended again as
// a Deny; memoized, since corpus-case inputs add the same copy over and over.
func (cs *caches) denyCopy(cp *model.Compiled, stmt int) *model.Compiled {
	c, _ := cs.denyMemo.get(denyKey{cp, stmt}, func() (*model.Compiled, error) {
		deny := cp.Policy.Clone()
		s := cp.Policy.Statements[stmt].Clone()
		s.Effect = "Deny"
		deny.Statements = append(deny.Statements, s)
		// The clone of a valid statement with another Effect is valid: compile
		// it directly (the parse target covers the text round trip).
		return model.Compile(deny), nil
	})
	return c
}

type denyKey struct {
	cp   *model.Compiled
	stmt int
}

// evaluators are the reused evaluators of checkDecide (a pool, since a
// benchmark or a test may run it in parallel).
var evaluators = sync.Pool{New: func() any { return new(model.Evaluator) }}

// requests are checkDecide's reused requests (Request.Reset keeps their storage
// and memoized derivations).
var requests = sync.Pool{New: func() any { return new(model.Request) }}

// caches are what the decide property keeps from one input to the next: each
// distinct policy text compiled once (inputs that differ in the request only
// share their policies), and the rewrites and Deny copies of compiled policies.
type caches struct {
	policies    model.PolicyCache
	rewriteMemo memo[*model.Compiled, []rewrite]
	denyMemo    memo[denyKey, *model.Compiled]
}

// Corpus-case inputs and generated ones keep separate caches: generated inputs
// bring new policies on almost every execution, and in shared bounded caches
// they would push out the corpus's few hundred policies (and their rewrites
// and Deny copies) every few seconds, which most inputs then rebuild.
var (
	corpusCaches, generatedCaches caches
	extraMemo                     memo[string, extra]
	extraPoolMemo                 memo[int, extra] // at most extraPool entries: never starts over
)

// memo caches values derived from compiled policies. Generated inputs bring new
// policies on almost every execution, so it starts over past maxMemo entries: a
// run of hours (ClusterFuzzLite's batch fuzzing, libFuzzer's 2 GB limit) must
// not grow without bound.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

const maxMemo = 2048

func (m *memo[K, V]) get(k K, build func() (V, error)) (V, error) {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= maxMemo {
		m.m = make(map[K]V)
	}
	m.m[k] = v
	m.mu.Unlock()
	return v, nil
}

func hasDeny(p *model.Policy) bool {
	for _, s := range p.Statements {
		if s.Effect == "Deny" {
			return true
		}
	}
	return false
}

func sameResult(a, b model.Result) bool {
	if a.Decision != b.Decision || a.Reason != b.Reason || a.Undef != b.Undef || len(a.Matched) != len(b.Matched) || len(a.Missing) != len(b.Missing) {
		return false
	}
	for i := range a.Matched {
		if a.Matched[i] != b.Matched[i] {
			return false
		}
	}
	for i := range a.Missing {
		if a.Missing[i] != b.Missing[i] {
			return false
		}
	}
	return true
}

// caseLine renders a case as an eval line, so a failure can be replayed with
// iamfuzz eval --explain and promoted into corpus/cases.
func caseLine(c *model.Case) string {
	inline := *c
	inline.Policies.Identity = nil
	for _, v := range c.Policies.Identity {
		text, err := model.PolicyText(v, c.Dir)
		if err != nil {
			return err.Error()
		}
		inline.Policies.Identity = append(inline.Policies.Identity, jsontext.Value(text))
	}
	b, _ := json.Marshal(&inline)
	return string(b)
}
