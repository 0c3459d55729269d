package properties

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/partition"
)

// AccessSpace is the set of requests a no-new-access comparison decides under
// both versions of a policy. An exact space has one witness of every class of
// requests that the two versions' patterns distinguish, so comparing the
// witnesses proves the comparison; a sampled space only tests it.
type AccessSpace interface {
	// Probes visits the requests; visit returns false to stop. same lists other
	// actions that get the same answer as the probe's (its partition class).
	Probes(ctx context.Context, visit func(p Probe, same []string) bool)
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

func (s *sampledSpace) Probes(ctx context.Context, visit func(Probe, []string) bool) {
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
					if !visit(Probe{Caller: c, Action: act.FullName(), Resource: r, Context: cx}, nil) {
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
		if !visit(t.Draw(src), nil) {
			break
		}
	}
	s.n = n
}

func (s *sampledSpace) Exact() bool { return false }

func (s *sampledSpace) Method() string {
	return fmt.Sprintf("sampled (%d requests over both versions' actions, resources and condition values; not a proof)", s.n)
}

// partitionSpace is the exact space: one witness of every class of requests
// that the patterns of both versions (and the policies around them) tell apart
// (package partition, the proof engine's partition). When the partition cannot
// divide something exactly, the comparison also samples and is not a proof.
type partitionSpace struct {
	prob *partition.Problem
	cov  *partition.Coverage
}

func newPartitionSpace(newT, oldT *Target) *partitionSpace {
	loadCatalog()
	pols := append(newT.policies(), oldT.policies()...)
	mfaFalse, mfaTrue := model.Single("false"), model.Single("true")
	age := model.Single(drawAges[0])
	prob := &partition.Problem{Policies: pols, Catalog: catData, Accounts: drawAccounts,
		Keys: []partition.KeyDomain{
			{Key: keyMFAPresent, Values: []*model.ContextValue{nil, &mfaFalse, &mfaTrue}},
			{Key: keyMFAAge, Values: []*model.ContextValue{nil, &age}},
		},
		// Only the MFA states AWS sends are judged; other values need no deciding.
		KeepValue: func(key string, v *model.ContextValue) bool {
			switch key {
			case strings.ToLower(keyMFAPresent):
				return v == nil || (!v.Multi && len(v.Values) == 1 && (v.Values[0] == "true" || v.Values[0] == "false"))
			case strings.ToLower(keyMFAAge):
				return v == nil || validAge(*v)
			}
			return true
		}}
	return &partitionSpace{prob: prob}
}

func (s *partitionSpace) Probes(ctx context.Context, visit func(Probe, []string) bool) {
	s.cov = partition.Enumerate(ctx, s.prob, func(c *partition.Class) bool {
		return visit(probeOf(c), c.Group.Actions)
	})
}

func (s *partitionSpace) Exact() bool { return s.cov != nil && s.cov.Exact() }

func (s *partitionSpace) Method() string {
	if s.cov == nil {
		return "partition (not run)"
	}
	if s.Exact() {
		return fmt.Sprintf("proved: the partition of both versions' patterns, %d classes, every one decided", s.cov.Classes)
	}
	why := strings.Join(s.cov.Unknown, "; ")
	if s.cov.Stopped {
		why = "the run was stopped"
	}
	return fmt.Sprintf("partition of %d classes, not exact (%s)", s.cov.Classes, why)
}

// CompareAccess finds the requests that newT allows and oldT does not: the new
// access a change adds. Both targets carry their own surrounding policies
// (usually the same). It decides one witness of every class of the partition
// of both versions; when the partition is not exact it also samples (checks and
// seed set the random part), and the result is then not a proof.
func CompareAccess(ctx context.Context, newT, oldT *Target, oldPath string, checks int, seed uint64) *AccessDiff {
	d := &AccessDiff{New: newT, Old: oldT, OldPath: oldPath}
	groups := map[string]*Violation{}
	shadow := newSampledSpace(newT, oldT, checks, seed).shadow
	visit := func(p Probe, same []string) bool {
		d.Decided++
		v := newAccess(newT, oldT, oldPath, p)
		if v == nil {
			return true
		}
		k := v.Key()
		g, ok := groups[k]
		if !ok {
			_, v = minimizeNewAccess(shadow, newT, oldT, oldPath, p, v)
			newT.Explain(v)
			groups[k] = v
			d.Findings = append(d.Findings, v)
			g = v
		}
		g.addAlso(p.Action)
		for _, a := range same {
			if act, ok := lookupAction(a); ok && act.AcceptsResource(p.Resource) {
				g.addAlso(a)
			}
		}
		return true
	}
	exact := newPartitionSpace(newT, oldT)
	exact.Probes(ctx, visit)
	d.Proved, d.Method = exact.Exact(), exact.Method()
	if !d.Proved {
		sampled := newSampledSpace(newT, oldT, checks, seed)
		sampled.Probes(ctx, visit)
		d.Method += "; then " + sampled.Method()
	}
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

// minimizeNewAccess shrinks a new-access request, keeping the same finding
// (same action and granting statement): greedy one-step simplifications, then a
// readable resource (one the versions name, instantiated, or the catalogue's
// template filled in) in place of a partition witness's, then again greedy.
func minimizeNewAccess(shadow, newT, oldT *Target, oldPath string, p Probe, v *Violation) (Probe, *Violation) {
	key := v.Key()
	greedy := func() {
		for range 64 {
			improved := false
			for _, c := range candidates(p) {
				if w := newAccess(newT, oldT, oldPath, c); w != nil && w.Key() == key {
					p, v, improved = c, w, true
					break
				}
			}
			if !improved {
				return
			}
		}
	}
	greedy()
	if act, ok := lookupAction(p.Action); ok {
		for _, r := range shadow.resourcesFor(act, p.Caller) {
			if r == p.Resource {
				break
			}
			q := p
			q.Resource = r
			if w := newAccess(newT, oldT, oldPath, q); w != nil && w.Key() == key {
				p, v = q, w
				greedy()
				break
			}
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
	return fmt.Sprintf("no-new-access against %s: %s; %s", d.OldPath, verdict, d.Method)
}
