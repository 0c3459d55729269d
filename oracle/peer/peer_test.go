package peer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// The tests in this file run the real adapter. They install it with `npm ci`
// when it is missing (install_test.go); without Node they fail, and say how to
// install it, instead of skipping: a differential that silently does not run
// checks nothing.

func newPeer(t *testing.T) *Oracle {
	t.Helper()
	ensureInstalled(t)
	o, err := New(Options{})
	if err != nil {
		t.Fatalf("%v\n\nThe peer differential runs @cloud-copilot/iam-simulate through scripts/peer/adapter.mjs: "+
			"install Node.js 18 or newer and run `npm ci` in scripts/peer (CI does this in .ci/run).", err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// Parameters of the bounded differential run of CI. The seed is fixed so that a
// failure reproduces with
//
//	go run ./cmd/iamfuzz diff --a model --b peer --n 20000 --seed 20260101
const (
	differentialSeed  = 20260101
	differentialCases = 20000
)

// TestPeerDifferential compares the model and the peer on generated cases and
// fails on any disagreement that no known class explains.
func TestPeerDifferential(t *testing.T) {
	p := newPeer(t)
	cases := gencase.Generate(differentialSeed, differentialCases)
	var bad []oracle.Comparison
	start := time.Now()
	sum, err := oracle.Diff(context.Background(), oracle.NewModel(), p, cases, 512, KnownDifferences(), func(c oracle.Comparison) {
		if c.Verdict == oracle.Disagree || c.Verdict == oracle.ErrorOneSide {
			bad = append(bad, c)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	compared := sum.Cases - sum.Verdicts[oracle.SkipUndef] - sum.Verdicts[oracle.SkipDropped] - sum.Verdicts[oracle.SkipError]
	t.Logf("%d cases in %s: %v; known %v", sum.Cases, time.Since(start).Round(time.Millisecond), sum.Verdicts, sum.Known)
	for i, c := range bad {
		if i == 10 {
			t.Errorf("… and %d more", len(bad)-10)
			break
		}
		t.Errorf("%s %s: model %s, peer %s\n  case: %s", c.Verdict, c.Case.ID, describe(c.A), describe(c.B), caseJSON(c.Case))
	}
	// A run that compares little checks little: the generator must keep most
	// cases comparable, and most comparable cases must agree outright.
	if compared < sum.Cases*9/10 {
		t.Errorf("only %d of %d cases compared", compared, sum.Cases)
	}
	if agree := sum.Verdicts[oracle.Agree]; agree < compared*8/10 {
		t.Errorf("only %d of %d compared cases agree outright", agree, compared)
	}
}

// TestPeerFixtures checks that the peer still gives the recorded answers of the
// known-difference fixtures, and agrees with the model on their control cases: a
// new library version that changes its behaviour shows up here first.
func TestPeerFixtures(t *testing.T) {
	p := newPeer(t)
	fixtures := loadFixtures(t)
	var cases []*model.Case
	for _, f := range fixtures {
		cases = append(cases, f.c, f.control)
	}
	res, err := p.Decide(context.Background(), cases)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fixtures {
		got, ctl := res[2*i], res[2*i+1]
		if got.Decision != f.Peer.Decision || got.Err != f.Peer.Err {
			t.Errorf("%s: the peer now answers %s, recorded %s", f.Class, describe(got), describe(f.Peer))
		}
		m := modelAnswer(t, f.control)
		if ctl.Decision != m.Decision || ctl.Err != "" {
			t.Errorf("%s control: peer %s, model %s", f.Class, describe(ctl), describe(m))
		}
	}
}

func describe(r oracle.Result) string {
	if r.Err != "" {
		return fmt.Sprintf("error(%s: %s)", r.ErrKind, r.Err)
	}
	return r.Decision
}

func caseJSON(c *model.Case) string {
	b, err := json.Marshal(c)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
