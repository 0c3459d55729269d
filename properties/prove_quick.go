package properties

import (
	"context"
	"strings"
	"time"

	"github.com/iamfuzz/iamfuzz/partition"
)

// The early requests of a proof that stops at its first error (issue 10: the
// time to the first counterexample no worse than random sampling's). Before
// the enumeration builds its action groups, callers and resource walks, Prove
// decides the requests most likely to break an invariant: those the spec names
// (Directed: the liveness rules' requests, the never rules', an envelope's)
// and the first batch of Run's random probes, which are drawn from the
// policy's own actions, resources and callers. A concrete request that breaks
// an invariant is a counterexample however it was found, so the verdict fail
// stays sound; a proof still comes only from the full enumeration, which runs
// unchanged when none of these requests breaks anything.

// maxQuickDirected bounds the spec-named requests decided before enumerating
// (an envelope spec names up to maxEnvelopeProbes); with the random batch it
// keeps what a policy without a quick error pays at a millisecond or two.
const maxQuickDirected = 512

// quickFail decides the early requests in order — up to maxQuickDirected
// directed ones, then the first random batch Run draws with o.Seed — up to the
// first that breaks an invariant with severity error. If one does, it accounts
// the requests decided so far into rep as Prove accounts classes (each new
// finding minimized unless o.NoMinimize, explained, with the other actions of
// its action group that take the resource) and reports true; otherwise it
// leaves rep and groups as they were and reports false.
func (t *Target) quickFail(ctx context.Context, o Options, start time.Time, rep *Report, groups map[string]*Violation) bool {
	type hit struct {
		p  Probe
		po ProbeOutcome
	}
	var hits []hit // the early requests with violations, in order
	n, first := 0, 0
	note := func(p Probe, po ProbeOutcome) bool {
		n++
		if po.Err != nil || len(po.Violations) == 0 {
			return false
		}
		hits = append(hits, hit{p, po})
		for _, v := range po.Violations {
			if v.Severity == SeverityError {
				first = n
				return true
			}
		}
		return false
	}
	judged := 0
	found := false
	if !o.NoDirected {
		// Directed's probes in its order, each part built only when reached:
		// building the never rules' and the envelope's takes longer than
		// deciding the liveness rules' (a tenth of a millisecond on 003).
		w := t.getProber()
		left := maxQuickDirected
		for _, stage := range t.directedStages() {
			if found || left == 0 {
				break
			}
			probes := stage()
			for _, p := range probes[:min(len(probes), left)] {
				left--
				po := t.check(p, w)
				if po.Judged {
					judged++
				}
				if found = note(p, po); found {
					break
				}
			}
		}
		t.probers.Put(w)
	}
	if !found && ctx.Err() == nil {
		batch := make([]Probe, probeBatch)
		outcomes := t.drawAndCheck(o.Seed, 0, batch, nil)
		for k := range batch {
			if outcomes[k].Judged {
				judged++
			}
			if found = note(batch[k], outcomes[k]); found {
				break
			}
		}
	}
	if !found {
		return false
	}
	rep.FirstError, rep.FirstErrorAfter = first, time.Since(start)
	rep.Checks += n
	rep.Judged += judged
	gs := partition.ActionGroups(t.problem())
	for _, h := range hits {
		for _, v := range h.po.Violations {
			k := v.Key()
			if g, ok := groups[k]; ok {
				g.addAlso(v.Request.Action)
				continue
			}
			if !o.NoMinimize {
				_, v = t.Minimize(h.p, v)
			}
			t.Explain(v)
			groups[k] = v
			if g := groupOf(gs, v.Request.Action); g != nil {
				alsoInGroup(v, g)
			}
			rep.Findings = append(rep.Findings, v)
		}
	}
	rep.Coverage = &partition.Coverage{Keys: map[string]int{}, Actions: catalogSize(gs), Groups: len(gs), GroupList: gs, Stopped: true}
	return true
}

// groupOf is the group that holds action (case-insensitively), or nil for an
// action the catalogue does not have.
func groupOf(gs []*partition.Group, action string) *partition.Group {
	for _, g := range gs {
		for _, a := range g.Actions {
			if strings.EqualFold(a, action) {
				return g
			}
		}
	}
	return nil
}

// catalogSize is the number of catalogue actions the groups divide.
func catalogSize(gs []*partition.Group) int {
	n := 0
	for _, g := range gs {
		n += len(g.Actions)
	}
	return n
}
