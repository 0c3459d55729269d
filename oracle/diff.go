package oracle

import (
	"context"
	"fmt"
	"sort"

	"github.com/iamfuzz/iamfuzz/model"
)

// Verdict classifies one case of a differential run.
type Verdict string

// Verdicts.
const (
	Agree        Verdict = "agree"
	Disagree     Verdict = "disagree"       // an unexplained difference: a bug on one side
	Known        Verdict = "known"          // a difference of a triaged, documented class
	SkipUndef    Verdict = "skip-undef"     // the decision rests on UNDEF behaviour
	SkipDropped  Verdict = "skip-dropped"   // an oracle ignored context keys the case gives
	SkipError    Verdict = "skip-error"     // both sides could not decide
	ErrorOneSide Verdict = "error-one-side" // one side decided, the other could not
)

// KnownDifference recognises a triaged class of disagreement between two oracles,
// documented with a minimized case and the source that says who is right.
type KnownDifference struct {
	Class string // stable name, used in reports
	Doc   string // where it is documented (e.g. corpus/peer-differences.md#class)
	Match func(c *model.Case, a, b Result) bool
}

// Comparison is the outcome of one case.
type Comparison struct {
	Case    *model.Case
	A, B    Result
	Verdict Verdict
	Class   string // with Known: the class; with a skip: the reason
}

// Compare classifies one pair of answers. Only the decision is compared: matched
// statements and missing keys are reported but oracles legitimately differ there.
func Compare(c *model.Case, a, b Result, known []KnownDifference) Comparison {
	cmp := Comparison{Case: c, A: a, B: b}
	switch {
	case a.Err != "" && b.Err != "":
		cmp.Verdict, cmp.Class = SkipError, "both sides rejected the case"
		return cmp
	case len(a.Undefined) > 0 || len(b.Undefined) > 0:
		cmp.Verdict, cmp.Class = SkipUndef, fmt.Sprint(append(append([]string{}, a.Undefined...), b.Undefined...))
		if a.Err == "" && b.Err == "" && a.Decision == b.Decision {
			cmp.Verdict = Agree
		}
		return cmp
	case len(a.Dropped) > 0 || len(b.Dropped) > 0:
		cmp.Verdict, cmp.Class = SkipDropped, fmt.Sprint(append(append([]string{}, a.Dropped...), b.Dropped...))
		return cmp
	case a.Err == "" && b.Err == "" && a.Decision == b.Decision:
		cmp.Verdict = Agree
		return cmp
	}
	for _, k := range known {
		if k.Match(c, a, b) {
			cmp.Verdict, cmp.Class = Known, k.Class
			return cmp
		}
	}
	if a.Err != "" || b.Err != "" {
		cmp.Verdict = ErrorOneSide
		return cmp
	}
	cmp.Verdict = Disagree
	return cmp
}

// Summary counts the verdicts of a run.
type Summary struct {
	Cases    int             `json:"cases"`
	Verdicts map[Verdict]int `json:"verdicts"`
	Known    map[string]int  `json:"known,omitempty"`
}

// Add counts one comparison.
func (s *Summary) Add(c Comparison) {
	if s.Verdicts == nil {
		s.Verdicts = map[Verdict]int{}
	}
	s.Cases++
	s.Verdicts[c.Verdict]++
	if c.Verdict == Known {
		if s.Known == nil {
			s.Known = map[string]int{}
		}
		s.Known[c.Class]++
	}
}

// Failed reports whether the run found an unexplained difference.
func (s *Summary) Failed() bool { return s.Verdicts[Disagree]+s.Verdicts[ErrorOneSide] > 0 }

// Diff asks both oracles every case, in batches, and calls fn with each comparison
// in case order. It stops at the first oracle failure.
func Diff(ctx context.Context, a, b Oracle, cases []*model.Case, batch int, known []KnownDifference, fn func(Comparison)) (Summary, error) {
	var s Summary
	if batch <= 0 {
		batch = 256
	}
	for start := 0; start < len(cases); start += batch {
		end := min(start+batch, len(cases))
		part := cases[start:end]
		ra, err := a.Decide(ctx, part)
		if err != nil {
			return s, fmt.Errorf("%s: %w", a.Name(), err)
		}
		rb, err := b.Decide(ctx, part)
		if err != nil {
			return s, fmt.Errorf("%s: %w", b.Name(), err)
		}
		if len(ra) != len(part) || len(rb) != len(part) {
			return s, fmt.Errorf("an oracle answered %d and %d results for %d cases", len(ra), len(rb), len(part))
		}
		for i, c := range part {
			cmp := Compare(c, ra[i], rb[i], known)
			s.Add(cmp)
			if fn != nil {
				fn(cmp)
			}
		}
	}
	return s, nil
}

// SortedVerdicts lists the verdicts of a summary in a stable order for printing.
func (s *Summary) SortedVerdicts() []Verdict {
	out := make([]Verdict, 0, len(s.Verdicts))
	for v := range s.Verdicts {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
