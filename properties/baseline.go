package properties

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// AccessSpace is the set of requests a no-new-access comparison decides under
// both versions of a policy. An exact space has one witness of every class of
// requests that the two versions' patterns distinguish, so comparing the
// witnesses proves the comparison; a sampled space only tests it.
type AccessSpace interface {
	// Probes visits the requests; visit returns false to stop.
	Probes(ctx context.Context, visit func(Probe) bool)
	// Exact reports whether the probes covered every class (a proof).
	Exact() bool
	// Method names the space in reports, e.g. "sampled: 24,000 requests".
	Method() string
}

// AccessDiff is the outcome of comparing a policy with its baseline.
type AccessDiff struct {
	New, Old *Target
	// OldPath is the baseline as the user named it (a file, or git:REV:PATH).
	OldPath string
	// Findings are the requests the new version allows and the old one does
	// not, one per action and granting statement, minimized.
	Findings []*Violation
	// Decided counts the requests decided under both versions.
	Decided int
	// Proved is true when the space was exact: no finding means no new access.
	Proved bool
	Method string
}

// sampledSpace draws requests from the vocabulary of both versions together:
// every action either version names on the resources either names, for the
// callers and contexts of the whole-bundle checks, then random draws. It is a
// test, not a proof; the partition engine gives the exact space.
type sampledSpace struct {
	shadow *Target // draws only: its vocabulary spans both versions
	checks int
	seed   uint64
	n      int
}

// maxDiffDirected bounds the directed probes of a sampled comparison.
const maxDiffDirected = 60000

// newSampledSpace builds the sampled space of two versions.
func newSampledSpace(newT, oldT *Target, checks int, seed uint64) *sampledSpace {
	union := &model.Policy{Statements: append(append([]model.Statement(nil), newT.Policy.Statements...), oldT.Policy.Statements...)}
	shadow := &Target{Path: newT.Path, Policy: union, Spec: newT.Spec, voc: buildVocab(union, newT.Spec)}
	return &sampledSpace{shadow: shadow, checks: checks, seed: seed}
}

func (s *sampledSpace) Probes(ctx context.Context, visit func(Probe) bool) {
	t := s.shadow
	n := 0
	for _, c := range t.wholeCallers() {
		for _, a := range t.voc.policyActions {
			act, ok := lookupAction(a)
			if !ok {
				continue
			}
			for _, r := range t.resourcesFor(act, c) {
				for _, cx := range t.wholeContexts() {
					if n >= maxDiffDirected || ctx.Err() != nil {
						goto random
					}
					n++
					if !visit(Probe{Caller: c, Action: act.FullName(), Resource: r, Context: cx}) {
						s.n = n
						return
					}
				}
			}
		}
	}
random:
	src := NewRandSource(s.seed)
	for i := range s.checks {
		if i%64 == 0 && ctx.Err() != nil {
			break
		}
		n++
		if !visit(t.Draw(src)) {
			break
		}
	}
	s.n = n
}

func (s *sampledSpace) Exact() bool { return false }

func (s *sampledSpace) Method() string {
	return fmt.Sprintf("sampled (%d requests over both versions' actions, resources and condition values; not a proof)", s.n)
}

// CompareAccess finds the requests that newT allows and oldT does not: the new
// access a change adds. Both targets carry their own surrounding policies
// (usually the same). checks and seed set the random part of the sampled space.
func CompareAccess(ctx context.Context, newT, oldT *Target, oldPath string, checks int, seed uint64) *AccessDiff {
	space := AccessSpace(newSampledSpace(newT, oldT, checks, seed))
	d := &AccessDiff{New: newT, Old: oldT, OldPath: oldPath}
	groups := map[string]*Violation{}
	space.Probes(ctx, func(p Probe) bool {
		d.Decided++
		v := newAccess(newT, oldT, oldPath, p)
		if v == nil {
			return true
		}
		k := v.Key()
		if g, ok := groups[k]; ok {
			g.addAlso(v.Request.Action)
			return true
		}
		_, v = minimizeNewAccess(newT, oldT, oldPath, p, v)
		newT.Explain(v)
		groups[k] = v
		d.Findings = append(d.Findings, v)
		return true
	})
	d.Proved, d.Method = space.Exact(), space.Method()
	return d
}

// newAccess decides p under both versions and returns the finding when the new
// one allows a request (that AWS could make) the old one does not.
func newAccess(newT, oldT *Target, oldPath string, p Probe) *Violation {
	r, err := p.Request()
	if err != nil {
		return nil
	}
	if _, _, why := Judgeable(r); why != "" {
		return nil
	}
	res := newT.Decide(r)
	if res.Decision != model.Allowed {
		return nil
	}
	old := oldT.Decide(r)
	if old.Decision == model.Allowed {
		return nil
	}
	c, m, _ := Judgeable(r)
	reason := fmt.Sprintf("%s is allowed %s on %s %s by %s; the baseline %s did not allow it (%s: %s)",
		c, r.Action, r.Resource, mfaPhrase(m), stmtNames(newT.Policy, res.Matched), oldPath, old.Decision, old.Reason)
	sev := SeverityError
	if notEnforced(&res) {
		sev = SeverityNote
	}
	act := r.Action
	if a, ok := lookupAction(act); ok {
		act = a.FullName()
	}
	return newViolation(InvNoNewAccess, act, r, &res, sev, reason)
}

// minimizeNewAccess shrinks a new-access request greedily, keeping the same
// finding (same action and granting statement).
func minimizeNewAccess(newT, oldT *Target, oldPath string, p Probe, v *Violation) (Probe, *Violation) {
	key := v.Key()
	for range 64 {
		improved := false
		for _, c := range candidates(p) {
			if w := newAccess(newT, oldT, oldPath, c); w != nil && w.Key() == key {
				p, v, improved = c, w, true
				break
			}
		}
		if !improved {
			break
		}
	}
	return p, v
}

// Summary is one line for reports: how the comparison was made and what it found.
func (d *AccessDiff) Summary() string {
	verdict := "no new access"
	if n := len(d.Findings); n > 0 {
		verdict = fmt.Sprintf("%d new access finding%s", n, map[bool]string{true: "", false: "s"}[n == 1])
	}
	how := d.Method
	if d.Proved {
		how = "proved over every class of requests"
	}
	return fmt.Sprintf("no-new-access against %s: %s; %s", d.OldPath, verdict, strings.TrimSpace(how))
}
