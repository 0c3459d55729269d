package properties

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// DefaultChecks is the default number of random probes per policy. With the
// generators' bias towards the policy's own actions and the caller's own
// resources, every invariant-breaking mutant of AWS's example is caught well
// within it (properties/mutate's tests and benchmark measure this).
const DefaultChecks = 20000

// maxAlso bounds the other actions listed on one finding.
const maxAlso = 12

// Options set the budget of a run.
type Options struct {
	// Checks is the number of random probes; 0 means DefaultChecks.
	Checks int
	// Time bounds the run's wall-clock time; 0 means no limit. With a time limit
	// a run is reproducible only up to the number of checks it made.
	Time time.Duration
	// Seed seeds the random probes: the same seed, policy, spec and Checks give
	// the same report.
	Seed uint64
	// NoDirected skips the probes that liveness rules name outright (Directed).
	NoDirected bool
	// StopAtFirst ends the run at the first violation of severity error.
	StopAtFirst bool
	// EnumerateOnly makes Prove decide only the partition's classes, even with
	// StopAtFirst (which otherwise decides directed and random requests first):
	// the differential property between the engines tests the partition alone.
	EnumerateOnly bool
	// NoMinimize reports counterexamples as found.
	NoMinimize bool
	// Progress, if set, is called now and then with the number of probes made
	// since the previous call.
	Progress func(n int)
	// Workers is how many goroutines decide and judge one proof's classes
	// (Prove): 1 (or a negative number) for the proof's own only, n > 1 for
	// up to n, and 0 for as many as the process has spare cores (GOMAXPROCS,
	// shared with the other proofs running at the time). The report is the
	// same for every value, timings aside. Random probes (Run) always use
	// GOMAXPROCS.
	Workers int
}

// Report is the outcome of checking one policy.
type Report struct {
	Target *Target
	// Engine is EngineProof or EngineSample.
	Engine string
	// Verdict is VerdictProved, VerdictFail or VerdictUnknown. Random sampling
	// never proves: without a failure its verdict is VerdictUnknown.
	Verdict string
	// Coverage says what the proof engine covered; nil for sampling.
	Coverage *partition.Coverage
	// OutOfScope counts the classes of Coverage whose callers cannot hold the
	// policy, which the proof enumerated and did not decide; Coverage.Classes -
	// OutOfScope were decided.
	OutOfScope int
	// Scope, when not "", names the callers that cannot hold the policy and why:
	// a template's or an account-pinned policy is attached in one account.
	Scope string
	Seed  uint64
	// Checks counts the probes decided (directed and random); Judged those the
	// invariants judged (see Invariant for which requests are judged).
	Checks, Judged int
	// Findings are the grouped, minimized findings: errors first, then warnings,
	// then notes, each group in the order found.
	Findings []*Violation
	// FirstError is the 1-based index, among the random probes, of the first
	// probe that broke an invariant with severity error; 0 if none did.
	FirstError int
	// FirstErrorAfter is the time from the start of the run to the first error.
	FirstErrorAfter time.Duration
	Elapsed         time.Duration
	TimedOut        bool
}

// Failed reports whether the run found a violation of severity error.
func (r *Report) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// BySeverity returns the findings of one severity.
func (r *Report) BySeverity(s Severity) []*Violation {
	var out []*Violation
	for _, f := range r.Findings {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// Key groups violations that are the same finding: the same invariant, severity,
// spec rule, decision and deciding statement. Different actions hitting the same
// key are listed as Also.
func (v *Violation) Key() string {
	stmt := -1
	if len(v.Matched) > 0 {
		stmt = v.Matched[0].Statement
	}
	return fmt.Sprintf("%s|%s|%s|%s|%d", v.Invariant, v.Severity, v.Rule, v.Decision, stmt)
}

// Run checks the target: first the probes its liveness rules name (unless
// NoDirected), then random probes drawn with a seeded source, until the budget is
// spent or ctx is done. Each distinct finding is minimized and explained once;
// later hits of it only add their action to Also.
func (t *Target) Run(ctx context.Context, o Options) *Report {
	start := time.Now()
	checks := o.Checks
	if checks <= 0 {
		checks = DefaultChecks
	}
	var deadline time.Time
	if o.Time > 0 {
		deadline = start.Add(o.Time)
	}
	rep := &Report{Target: t, Seed: o.Seed, Engine: EngineSample}
	groups := map[string]*Violation{}
	pending := 0
	tick := func() {
		pending++
		if o.Progress != nil && pending == 256 {
			o.Progress(pending)
			pending = 0
		}
	}
	// account records a checked probe; it reports whether p broke an invariant.
	account := func(p Probe, po ProbeOutcome) bool {
		rep.Checks++
		tick()
		if po.Err != nil {
			return false
		}
		if po.Judged {
			rep.Judged++
		}
		failed := false
		for _, v := range po.Violations {
			failed = failed || v.Severity == SeverityError
			k := v.Key()
			if g, ok := groups[k]; ok {
				g.addAlso(v.Request.Action)
				continue
			}
			if !o.NoMinimize {
				_, v = t.Minimize(p, v)
			}
			t.Explain(v)
			groups[k] = v
			rep.Findings = append(rep.Findings, v)
		}
		return failed
	}
	probe := func(p Probe) bool { return account(p, t.checkOne(p)) }
	// Checks of the whole bundle (escalation methods of several actions, full
	// access) decide their own requests; their findings come first.
	for _, v := range t.WholeChecks() {
		if _, dup := groups[v.Key()]; dup {
			continue
		}
		t.Explain(v)
		groups[v.Key()] = v
		rep.Findings = append(rep.Findings, v)
	}
	if !o.NoDirected {
		for _, p := range t.Directed() {
			if probe(p) && o.StopAtFirst {
				rep.finish(start, pending, o)
				return rep
			}
		}
	}
	// Random probes come in batches of probeStreams streams, each drawn from its
	// own seeded source, and are drawn and checked on every core but accounted
	// in order: the report does not depend on the number of cores.
	batch := make([]Probe, probeBatch)
	var outcomes []ProbeOutcome
	for b, i := 0, 0; i < checks; b++ {
		if ctx.Err() != nil {
			break
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			rep.TimedOut = true
			break
		}
		n := min(probeBatch, checks-i)
		outcomes = t.drawAndCheck(o.Seed, b, batch[:n], outcomes)
		stop := false
		for k := range n {
			i++
			if account(batch[k], outcomes[k]) && rep.FirstError == 0 {
				rep.FirstError, rep.FirstErrorAfter = i, time.Since(start)
				if o.StopAtFirst {
					stop = true
					break
				}
			}
		}
		if stop {
			break
		}
	}
	rep.finish(start, pending, o)
	return rep
}

// probeBatch is how many random probes Run checks at once: enough to keep every
// core busy, few enough that a deadline or StopAtFirst wastes little work. A batch
// is probeStreams streams of consecutive probes.
const (
	probeBatch   = 256
	probeStreams = 8
)

// streamSeed seeds stream k of batch b. The first stream of the first batch uses
// the run's seed itself.
func streamSeed(seed uint64, b, k int) uint64 {
	return seed + uint64(b*probeStreams+k)*0x9e3779b97f4a7c15
}

// drawAndCheck fills probes with batch b's draws and checks them, one stream per
// task on every core.
func (t *Target) drawAndCheck(seed uint64, b int, probes []Probe, out []ProbeOutcome) []ProbeOutcome {
	out = slices.Grow(out[:0], len(probes))[:len(probes)]
	per := (len(probes) + probeStreams - 1) / probeStreams
	stream := func(k int) {
		lo, hi := k*per, min((k+1)*per, len(probes))
		if lo >= hi {
			return
		}
		src := NewRandSource(streamSeed(seed, b, k))
		w := t.getProber()
		for i := lo; i < hi; i++ {
			probes[i] = t.draw(src, w)
			out[i] = t.check(probes[i], w)
		}
		t.probers.Put(w)
	}
	parallel(probeStreams, stream)
	return out
}

// parallel runs task(0) … task(n-1) on GOMAXPROCS goroutines.
func parallel(n int, task func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for k := range n {
			task(k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				task(k)
			}
		})
	}
	wg.Wait()
}

// ProbeOutcome is one checked probe: its violations and whether the invariants
// could judge it (Judgeable).
type ProbeOutcome struct {
	// Request is the probe's request when it broke an invariant, nil otherwise:
	// the others are decided in reused storage (docs/performance.md).
	Request    *model.Request
	Violations []*Violation
	Err        error // the probe is not a valid request
	Judged     bool
}

func (t *Target) checkOne(p Probe) ProbeOutcome {
	w := t.getProber()
	po := t.check(p, w)
	t.probers.Put(w)
	return po
}

// CheckProbes decides and judges probes on every core (GOMAXPROCS), reusing out's
// storage; outcome i is probe i's, so callers that consume them in order stay
// reproducible whatever the number of cores.
func (t *Target) CheckProbes(probes []Probe, out []ProbeOutcome) []ProbeOutcome {
	out = slices.Grow(out[:0], len(probes))[:len(probes)]
	const chunk = 16
	parallel((len(probes)+chunk-1)/chunk, func(k int) {
		w := t.getProber()
		for i := k * chunk; i < min((k+1)*chunk, len(probes)); i++ {
			out[i] = t.check(probes[i], w)
		}
		t.probers.Put(w)
	})
	return out
}

func (r *Report) finish(start time.Time, pending int, o Options) {
	if o.Progress != nil && pending > 0 {
		o.Progress(pending)
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Severity < r.Findings[j].Severity })
	r.Elapsed = time.Since(start)
	if r.Failed() {
		r.Verdict = VerdictFail
	} else {
		r.Verdict = VerdictUnknown
	}
}

func (v *Violation) addAlso(action string) {
	if a, ok := lookupAction(action); ok {
		action = a.FullName()
	}
	k := strings.ToLower(action)
	if k == strings.ToLower(v.Request.Action) || v.alsoSeen[k] {
		return
	}
	if v.alsoSeen == nil {
		v.alsoSeen = map[string]bool{}
	}
	v.alsoSeen[k] = true
	if len(v.Also) >= maxAlso {
		v.AlsoMore++
		return
	}
	v.Also = append(v.Also, action)
}

// Minimize shrinks a counterexample greedily: it tries fewer context keys, the
// catalogue's spelling of the action, a simpler caller (a user rather than a role
// session, the name alice, no path, the first account) and a simpler resource,
// and keeps each change that still gives the same finding (same Key). It returns
// the smallest probe found and its violation.
func (t *Target) Minimize(p Probe, v *Violation) (Probe, *Violation) {
	key := v.Key()
	for range 64 {
		improved := false
		for _, c := range candidates(p) {
			_, vs, err := t.CheckProbe(c)
			if err != nil {
				continue
			}
			for _, w := range vs {
				if w.Key() == key {
					p, v, improved = c, w, true
					break
				}
			}
			if improved {
				break
			}
		}
		if !improved {
			break
		}
	}
	return p, v
}

// candidates lists one-step simplifications of a probe, simplest first.
func candidates(p Probe) []Probe {
	var out []Probe
	with := func(f func(q *Probe)) {
		q := p
		q.Context = append([]ContextEntry(nil), p.Context...)
		f(&q)
		out = append(out, q)
	}
	// Fewer context keys: unrelated ones first, the MFA keys last.
	for i := len(p.Context) - 1; i >= 0; i-- {
		with(func(q *Probe) { q.Context = append(q.Context[:i:i], p.Context[i+1:]...) })
	}
	if a, ok := lookupAction(p.Action); ok && a.FullName() != p.Action {
		with(func(q *Probe) { q.Action = a.FullName() })
	}
	c := p.Caller
	simple := Caller{Kind: UserCaller, Account: drawAccounts[0], Name: drawNames[0]}
	if c.Kind != UserCaller {
		with(func(q *Probe) {
			q.Caller = Caller{Kind: UserCaller, Account: c.Account, Name: drawNames[0]}
		})
	}
	if (c.Kind == UserCaller || c.Kind == FederatedCaller) && c.Name != simple.Name {
		with(func(q *Probe) {
			q.Caller.Name = simple.Name
			q.Resource = renameIn(q.Resource, c.Name, simple.Name)
		})
	}
	if c.Kind == RoleSessionCaller && (c.Name != drawRoles[0] || c.Session != drawSessions[0]) {
		with(func(q *Probe) { q.Caller.Name, q.Caller.Session = drawRoles[0], drawSessions[0] })
	}
	if c.Path != "" {
		with(func(q *Probe) {
			q.Caller.Path = ""
			q.Resource = strings.Replace(q.Resource, ":user/"+c.Path, ":user/", 1)
			q.Resource = strings.Replace(q.Resource, ":mfa/"+c.Path, ":mfa/", 1)
		})
		with(func(q *Probe) { q.Caller.Path = "" })
	}
	if c.Account != simple.Account {
		with(func(q *Probe) {
			q.Caller.Account = simple.Account
			q.Resource = strings.Replace(q.Resource, ":"+c.Account+":", ":"+simple.Account+":", 1)
		})
	}
	// A simpler resource: without its path, or in the caller's account.
	if i := strings.Index(p.Resource, ":user/"); i >= 0 {
		if rest := p.Resource[i+len(":user/"):]; strings.Contains(rest, "/") {
			with(func(q *Probe) { q.Resource = p.Resource[:i] + ":user/" + rest[strings.LastIndexByte(rest, '/')+1:] })
		}
	}
	return out
}

// renameIn renames a user in the last segment of an ARN, keeping its relation to
// the caller's name (equal, a case variant, or containing it).
func renameIn(arn, old, name string) string {
	i := strings.LastIndexByte(arn, '/')
	if i < 0 || old == "" {
		return arn
	}
	seg := arn[i+1:]
	switch {
	case seg == old:
		seg = name
	case seg == otherCase(old):
		seg = otherCase(name)
	case strings.Contains(seg, old):
		seg = strings.Replace(seg, old, name, 1)
	default:
		return arn
	}
	return arn[:i+1] + seg
}
