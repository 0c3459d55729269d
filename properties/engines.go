package properties

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"pgregory.net/rapid"
)

// rapidBatch is the number of probes one rapid check draws. rapid runs 100
// checks by default; one probe per check would leave most invariant-breaking
// edits unfound, so each check draws a batch. rapid removes the probes before
// the failing one and then shrinks the failing probe's own choices. The batch size is fixed, not drawn: rapid favours small numbers,
// and a drawn size would mostly be small.
const rapidBatch = 128

// RapidProperty returns the target's property for rapid (rapid.Check,
// rapid.MakeCheck, rapid.MakeFuzz). A check draws 128 probes and fails on the
// first violation of severity error, with the violation explained (reason,
// request, decision, statement and the eval line that replays it). Under go
// test, rapid shrinks the failing probe, and Minimize simplifies what rapid
// reports.
func (t *Target) RapidProperty() func(*rapid.T) {
	// Each probe is one rapid value, so the shrinker can remove whole probes
	// before the failing one (cheap) before it minimizes that probe's choices.
	probes := rapid.Custom(func(rt *rapid.T) Probe { return t.Draw(RapidSource(rt)) })
	return func(rt *rapid.T) {
		for range rapidBatch {
			p := probes.Draw(rt, "probe")
			_, vs, _ := t.CheckProbe(p)
			if len(vs) > 0 && vs[0].Severity == SeverityError {
				// rapid's shrinking works on choices, and a smaller choice can
				// mean another kind of caller; the greedy minimizer then
				// simplifies the probe itself (a user, alice, no path).
				_, v := t.Minimize(p, vs[0])
				t.Explain(v)
				rt.Fatalf("%s", t.Describe(v))
			}
		}
	}
}

// FuzzBytes is the property over go test -fuzz input: the bytes are the choices
// (BytesSource), so the fuzzer's mutations and minimization act on probes. It
// returns the first violation of severity error, explained, or nil.
func (t *Target) FuzzBytes(data []byte) *Violation {
	v := t.Property(NewBytesSource(data))
	if v != nil {
		t.Explain(v)
	}
	return v
}

// GopterOptions set a gopter run.
type GopterOptions struct {
	Seed int64
	// Checks is the number of successful probes needed to pass; 0 means
	// DefaultChecks.
	Checks int
	// Workers run the property in parallel; 0 means 1.
	Workers int
	// MaxSize bounds the choice strings; gopter grows them from 0 towards it, so
	// early probes are simple and later ones use more of the vocabulary. 0
	// means 128 bytes, more than any probe consumes.
	MaxSize int
}

// RunGopter runs the property under gopter, for long runs: several workers, and
// choice strings that grow in size. gopter generates (and shrinks, as a byte
// slice) the choices and a BytesSource replays them, because gopter loses
// shrinking through Map and FlatMap. It returns the first violation found,
// minimized and explained, or nil, and gopter's own result.
func (t *Target) RunGopter(o GopterOptions) (*Violation, *gopter.TestResult) {
	params := gopter.DefaultTestParametersWithSeed(o.Seed)
	params.MinSuccessfulTests = o.Checks
	if params.MinSuccessfulTests <= 0 {
		params.MinSuccessfulTests = DefaultChecks
	}
	params.Workers = max(o.Workers, 1)
	params.MaxSize = o.MaxSize
	if params.MaxSize <= 0 {
		params.MaxSize = 128
	}
	res := prop.ForAll(func(choices []uint8) bool {
		return t.Property(NewBytesSource(choices)) == nil
	}, GopterChoices()).Check(params)
	if res.Passed() || len(res.Args) == 0 {
		return nil, res
	}
	choices, _ := res.Args[0].Arg.([]uint8)
	p := t.Draw(NewBytesSource(choices))
	_, vs, _ := t.CheckProbe(p)
	if len(vs) == 0 || vs[0].Severity != SeverityError {
		return nil, res
	}
	_, v := t.Minimize(p, vs[0])
	t.Explain(v)
	return v, res
}

// Describe explains a violation in a few lines: the reason, the request in the
// eval format, the decision, the statement and the command that replays it.
func (t *Target) Describe(v *Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s\n", v.Severity, v.Invariant, v.Reason)
	fmt.Fprintf(&b, "  request:   %s\n", RequestJSON(v))
	fmt.Fprintf(&b, "  decision:  %s\n", v.Decision)
	if s := v.Statement; s != nil {
		if s.Decided {
			fmt.Fprintf(&b, "  statement: %s (%s, statement %d, %s)\n", s.Name(), s.Effect, s.Index, s.Location(t.Path))
		} else {
			fmt.Fprintf(&b, "  nearest:   %s (statement %d, %s): %s\n", s.Name(), s.Index, s.Location(t.Path), s.Why)
		}
	} else if v.Decision == model.ImplicitDeny {
		fmt.Fprintf(&b, "  statement: none allows %s\n", v.Request.Action)
	}
	if len(v.Also) > 0 {
		more := ""
		if v.AlsoMore > 0 {
			more = fmt.Sprintf(" and %d more", v.AlsoMore)
		}
		fmt.Fprintf(&b, "  also:      %s%s\n", strings.Join(v.Also, ", "), more)
	}
	fmt.Fprintf(&b, "  replay:    %s\n", t.ReplayCommand(v))
	return b.String()
}
