// Package engines runs the invariant property of package properties under rapid
// (shrinking, under go test) and gopter (parallel workers and growing sizes, for
// long nightly runs); the third engine, go test -fuzz's bytes, is
// properties.Target.FuzzBytes.
//
// The engines live apart from package properties because of what they link:
// rapid's package initialization parses an html/template (its debugging
// visualization), which brings text/template, html/template, encoding/json and
// image/png into every binary that imports rapid, and go test -fuzz scans every
// coverage counter of its binary after each execution. Without them the invariant
// fuzz targets link about 5,000 fewer counters (docs/performance.md, "Fuzz targets").
package engines

import (
	"fmt"

	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"pgregory.net/rapid"
)

// rapidBatch is the number of probes one rapid check draws. rapid runs 100
// checks by default; one probe per check would leave most invariant-breaking
// edits unfound, so each check draws a batch. rapid removes the probes before
// the failing one and then shrinks the failing probe's own choices. The batch size is fixed, not drawn: rapid favours small numbers,
// and a drawn size would mostly be small.
const rapidBatch = 128

// RapidProperty returns t's property for rapid (rapid.Check, rapid.MakeCheck,
// rapid.MakeFuzz). A check draws 128 probes and fails on the first violation of
// severity error, with the violation explained (reason, request, decision,
// statement and the eval line that replays it). Under go test, rapid shrinks the
// failing probe, and Target.Minimize simplifies what rapid reports.
func RapidProperty(t *properties.Target) func(*rapid.T) {
	// Each probe is one rapid value, so the shrinker can remove whole probes
	// before the failing one (cheap) before it minimizes that probe's choices.
	probes := rapid.Custom(func(rt *rapid.T) properties.Probe { return t.Draw(RapidSource(rt)) })
	return func(rt *rapid.T) {
		for range rapidBatch {
			p := probes.Draw(rt, "probe")
			_, vs, _ := t.CheckProbe(p)
			if len(vs) > 0 && vs[0].Severity == properties.SeverityError {
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

// rapidSource draws through rapid, which records and shrinks every choice.
type rapidSource struct {
	t *rapid.T
	n int
}

// RapidSource returns a properties.Source that draws through rapid's T.
func RapidSource(t *rapid.T) properties.Source { return &rapidSource{t: t} }

// Intn implements properties.Source.
func (s *rapidSource) Intn(n int) int {
	s.n++
	return rapid.IntRange(0, n-1).Draw(s.t, fmt.Sprintf("c%d", s.n))
}

// GopterOptions set a gopter run.
type GopterOptions struct {
	Seed int64
	// Checks is the number of successful probes needed to pass; 0 means
	// properties.DefaultChecks.
	Checks int
	// Workers run the property in parallel; 0 means 1.
	Workers int
	// MaxSize bounds the choice strings; gopter grows them from 0 towards it, so
	// early probes are simple and later ones use more of the vocabulary. 0
	// means 128 bytes, more than any probe consumes.
	MaxSize int
}

// RunGopter runs t's property under gopter, for long runs: several workers, and
// choice strings that grow in size. gopter generates (and shrinks, as a byte
// slice) the choices and a properties.BytesSource replays them, because gopter
// loses shrinking through Map and FlatMap. It returns the first violation found,
// minimized and explained, or nil, and gopter's own result.
func RunGopter(t *properties.Target, o GopterOptions) (*properties.Violation, *gopter.TestResult) {
	params := gopter.DefaultTestParametersWithSeed(o.Seed)
	params.MinSuccessfulTests = o.Checks
	if params.MinSuccessfulTests <= 0 {
		params.MinSuccessfulTests = properties.DefaultChecks
	}
	params.Workers = max(o.Workers, 1)
	params.MaxSize = o.MaxSize
	if params.MaxSize <= 0 {
		params.MaxSize = 128
	}
	res := prop.ForAll(func(choices []uint8) bool {
		return t.Property(properties.NewBytesSource(choices)) == nil
	}, GopterChoices()).Check(params)
	if res.Passed() || len(res.Args) == 0 {
		return nil, res
	}
	choices, _ := res.Args[0].Arg.([]uint8)
	p := t.Draw(properties.NewBytesSource(choices))
	_, vs, _ := t.CheckProbe(p)
	if len(vs) == 0 || vs[0].Severity != properties.SeverityError {
		return nil, res
	}
	_, v := t.Minimize(p, vs[0])
	t.Explain(v)
	return v, res
}

// GopterChoices is a gopter generator of choice strings. gopter loses shrinking
// through Map and FlatMap, so generators do not run inside gopter: gopter produces
// (and shrinks, as a slice) the bytes, and a properties.BytesSource replays them.
// size bounds the number of choices, so gopter's size growth means bigger values.
func GopterChoices() gopter.Gen {
	return gen.SliceOf(gen.UInt8())
}
