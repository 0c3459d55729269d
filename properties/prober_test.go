package properties

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iamfuzz/iamfuzz/partition"
)

// proberTargets are the corpus policies and the examples with their specs (or
// default specs): liveness rules, owner-only templates, never, only and
// escalation rules, surrounding policies, extra keys.
func proberTargets(t *testing.T) []*Target {
	t.Helper()
	var files []string
	for _, g := range []string{"../corpus/policies/*.json", "../corpus/examples/*/*.json"} {
		more, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	var out []*Target
	for _, f := range files {
		tg, err := LoadTarget(f)
		if err != nil {
			continue // a trust policy or a deliberately broken file
		}
		out = append(out, tg)
	}
	if len(out) < 5 {
		t.Fatalf("only %d targets loaded", len(out))
	}
	return out
}

// TestProberIsThePublicPath: drawing and checking in a worker's reused storage
// gives the probes Draw gives and the outcomes CheckProbe and Judgeable give.
func TestProberIsThePublicPath(t *testing.T) {
	for _, tg := range proberTargets(t) {
		w := tg.getProber()
		a, b := NewRandSource(3), NewRandSource(3)
		violations := 0
		for i := range 3000 {
			want := tg.Draw(a)
			got := tg.draw(b, w)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s probe %d: drawn with a prober %+v, with Draw %+v", tg.Path, i, got, want)
			}
			po := tg.check(got, w)
			r, vs, err := tg.CheckProbe(want)
			if (po.Err == nil) != (err == nil) {
				t.Fatalf("%s probe %d: error %v with a prober, %v without", tg.Path, i, po.Err, err)
			}
			if err != nil {
				continue
			}
			if _, _, why := Judgeable(r); po.Judged != (why == "") {
				t.Fatalf("%s probe %d: judged %v with a prober, why %q without", tg.Path, i, po.Judged, why)
			}
			if len(po.Violations) != len(vs) {
				t.Fatalf("%s probe %d: %d violations with a prober, %d without", tg.Path, i, len(po.Violations), len(vs))
			}
			for k, v := range vs {
				pv := po.Violations[k]
				if pv.Key() != v.Key() || pv.Reason != v.Reason || !reflect.DeepEqual(*pv.Request, *r) {
					t.Fatalf("%s probe %d: violation %q with a prober, %q without", tg.Path, i, pv.Reason, v.Reason)
				}
				violations++
			}
		}
		tg.probers.Put(w)
		t.Logf("%s: %d violations compared", tg.Path, violations)
	}
}

// TestJudgedChecksAreInvariants: the checks Judge runs are the exported
// Invariants, in the same order, with the same answers.
func TestJudgedChecksAreInvariants(t *testing.T) {
	if len(judgedChecks) != len(Invariants) {
		t.Fatalf("%d judged checks for %d invariants", len(judgedChecks), len(Invariants))
	}
	for _, tg := range proberTargets(t) {
		src := NewRandSource(5)
		for range 500 {
			r, err := tg.Draw(src).Request()
			if err != nil {
				continue
			}
			res := tg.Decide(r)
			for i, inv := range Invariants {
				v := inv(tg.Spec, tg.Policy, r, &res)
				jv := judgedChecks[i](tg.Spec, tg.Policy, r, &res, &judgement{req: r})
				if (v == nil) != (jv == nil) || v != nil && v.Reason != jv.Reason {
					t.Fatalf("%s: invariant %d says %v, its judged check %v", tg.Path, i, v, jv)
				}
			}
		}
	}
}

// replaySource replays recorded choices.
type replaySource struct {
	choices []int
	pos     int
}

func (s *replaySource) Intn(int) int { s.pos++; return s.choices[s.pos-1] }

// recordSource records a RandSource's choices.
type recordSource struct {
	src     *RandSource
	choices []int
}

func (s *recordSource) Intn(n int) int {
	c := s.src.Intn(n)
	s.choices = append(s.choices, c)
	return c
}

// TestProbesDoNotAllocate: in the steady state (the worker has seen the
// probe's strings), drawing and checking a probe that breaks no invariant
// allocates nothing. Probes with findings allocate their reports, and random
// names never seen before their strings, by design.
func TestProbesDoNotAllocate(t *testing.T) {
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	w := tg.getProber()
	rec := &recordSource{src: NewRandSource(11)}
	var clean [][]int
	for len(clean) < 500 {
		rec.choices = rec.choices[:0]
		if po := tg.check(tg.draw(rec, w), w); po.Err == nil && len(po.Violations) == 0 {
			clean = append(clean, append([]int(nil), rec.choices...))
		}
	}
	rs := &replaySource{}
	i := 0
	allocs := testing.AllocsPerRun(len(clean), func() {
		rs.choices, rs.pos = clean[i%len(clean)], 0
		i++
		tg.check(tg.draw(rs, w), w)
	})
	if allocs != 0 {
		t.Errorf("a probe allocates %.2f times in the steady state", allocs)
	}
}

// The proof engine decides its classes in the same reused storage: a class
// that breaks nothing allocates nothing once the worker has seen its strings
// (Target.checkClass; docs/performance.md, issue 15).
func TestClassesDoNotAllocate(t *testing.T) {
	tg, err := LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		t.Fatal(err)
	}
	w := tg.getProber()
	type class struct {
		c   *partition.Class
		arn string
	}
	var clean []class
	partition.Enumerate(context.Background(), tg.problem(), func(c *partition.Class) bool {
		arn := callerOf(c.Principal).ARN()
		if _, po := tg.checkClass(c, arn, w); po.Err == nil && len(po.Violations) == 0 {
			clean = append(clean, class{c, arn}) // a Class is the visit's own; its context map is only read
		}
		return len(clean) < 500
	})
	if len(clean) < 100 {
		t.Fatalf("only %d classes without violations", len(clean))
	}
	i := 0
	allocs := testing.AllocsPerRun(len(clean), func() {
		k := clean[i%len(clean)]
		i++
		tg.checkClass(k.c, k.arn, w)
	})
	if allocs != 0 {
		t.Errorf("a class allocates %.2f times in the steady state", allocs)
	}
}
