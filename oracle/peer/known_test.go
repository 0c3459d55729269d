package peer

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/oracle"
)

// knownFixture is one line of testdata/known-differences.jsonl: the minimized case
// of a class with the peer's recorded answer, and a control case close to it on
// which model and peer agree.
type knownFixture struct {
	Class   string         `json:"class"`
	Peer    oracle.Result  `json:"peer"`
	Case    jsontext.Value `json:"case"`
	Control jsontext.Value `json:"control"`

	c, control *model.Case
}

const fixtureFile = "testdata/known-differences.jsonl"

func loadFixtures(t *testing.T) []*knownFixture {
	t.Helper()
	data, err := os.ReadFile(fixtureFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []*knownFixture
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		f := &knownFixture{}
		if err := json.Unmarshal(sc.Bytes(), f); err != nil {
			t.Fatalf("%s: %v", fixtureFile, err)
		}
		if f.c, err = model.ParseCase(f.Case); err != nil {
			t.Fatalf("%s: %s: %v", fixtureFile, f.Class, err)
		}
		if f.control, err = model.ParseCase(f.Control); err != nil {
			t.Fatalf("%s: %s control: %v", fixtureFile, f.Class, err)
		}
		f.Peer.ID = f.c.ID
		out = append(out, f)
	}
	return out
}

func modelAnswer(t *testing.T, c *model.Case) oracle.Result {
	t.Helper()
	res, err := oracle.NewModel().Decide(context.Background(), []*model.Case{c})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

// matching returns the classes of the known list that match.
func matching(known []oracle.KnownDifference, c *model.Case, a, b oracle.Result) []string {
	var out []string
	for _, k := range known {
		if k.Match(c, a, b) {
			out = append(out, k.Class)
		}
	}
	return out
}

// TestKnownDifferences checks every class on its minimized case (it matches, and
// no other class does), on its control case (nothing matches an agreement), and
// with the peer's answer changed (a class that rests on an emulated rule must not
// match an answer its rule does not give).
func TestKnownDifferences(t *testing.T) {
	known := KnownDifferences()
	for _, f := range loadFixtures(t) {
		t.Run(f.Class, func(t *testing.T) {
			a, b := modelAnswer(t, f.c), f.Peer
			if got := matching(known, f.c, a, b); !slices.Equal(got, []string{f.Class}) {
				t.Errorf("minimized case %s: model %s%s, peer %s%s: matched by %v, want exactly [%s]",
					f.c.ID, a.Decision, a.ErrKind, b.Decision, b.Err, got, f.Class)
			}
			// diff --a peer --b model: the sides are swapped, the class is the same.
			if got := matching(known, f.c, b, a); !slices.Equal(got, []string{f.Class}) {
				t.Errorf("swapped sides: matched by %v, want exactly [%s]", got, f.Class)
			}
			cmp := oracle.Compare(f.c, a, b, known)
			switch {
			case cmp.Verdict == oracle.Known && cmp.Class == f.Class:
			case cmp.Verdict == oracle.SkipUndef && len(a.Undefined) > 0:
				// An UNDEF class: alone, the case is skipped before the known
				// list is asked; the class matters when an invalid policy hides
				// the UNDEF rule from the model (it rejects the policy).
			default:
				t.Errorf("Compare: %s %q", cmp.Verdict, cmp.Class)
			}

			ca := modelAnswer(t, f.control)
			cb := oracle.Result{ID: ca.ID, Decision: ca.Decision, Err: ca.Err, ErrKind: ca.ErrKind}
			if ca.Err != "" {
				t.Fatalf("control case %s must be decidable: %s", f.control.ID, ca.Err)
			}
			if got := matching(known, f.control, ca, cb); len(got) > 0 {
				t.Errorf("agreeing control case %s matched by %v", f.control.ID, got)
			}
			// The same case with agreeing answers is no difference either.
			if a.Err == "" {
				if got := matching(known, f.c, a, oracle.Result{ID: a.ID, Decision: a.Decision}); len(got) > 0 {
					t.Errorf("agreeing answers on %s matched by %v", f.c.ID, got)
				}
			}

			// Neither side is the model's answer: nothing is explained.
			for _, d := range []string{"allowed", "explicitDeny", "implicitDeny"} {
				if d != a.Decision && d != b.Decision {
					if got := matching(known, f.c, oracle.Result{ID: a.ID, Decision: d}, b); len(got) > 0 {
						t.Errorf("a side that is not the model's answer (%s) matched by %v", d, got)
					}
				}
			}

			if b.Err != "" || f.Class == ClassWildcardRequest {
				return // the peer answered another question; any answer is explained
			}
			for _, d := range []string{"allowed", "explicitDeny", "implicitDeny"} {
				if d == b.Decision || (a.Err == "" && d == a.Decision) {
					continue
				}
				tampered := b
				tampered.Decision = d
				if got := matching(known, f.c, a, tampered); len(got) > 0 {
					t.Errorf("peer answer changed to %s: still matched by %v", d, got)
				}
			}
		})
	}
}

// TestEveryClassDocumented: each class has exactly one fixture and a section in
// corpus/peer-differences.md.
func TestEveryClassDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../" + DifferencesDoc)
	if err != nil {
		t.Fatal(err)
	}
	fixtures := map[string]int{}
	for _, f := range loadFixtures(t) {
		fixtures[f.Class]++
	}
	for _, k := range KnownDifferences() {
		if fixtures[k.Class] != 1 {
			t.Errorf("class %s has %d fixtures in %s, want 1", k.Class, fixtures[k.Class], fixtureFile)
		}
		delete(fixtures, k.Class)
		if !strings.Contains(string(doc), "\n## "+k.Class+"\n") {
			t.Errorf("class %s has no section \"## %s\" in %s", k.Class, k.Class, DifferencesDoc)
		}
		if k.Doc != DifferencesDoc+"#"+k.Class {
			t.Errorf("class %s: Doc %q", k.Class, k.Doc)
		}
	}
	for class := range fixtures {
		t.Errorf("fixture for unknown class %s", class)
	}
}

// TestNoClassForModelErrorsAlone: a case the model rejects for a reason that no
// emulation repairs (here an invalid Effect, which the peer also rejects) is not
// explained.
func TestNoClassForModelErrorsAlone(t *testing.T) {
	c, err := model.ParseCase([]byte(`{"id":"x","policies":{"identity":[{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`))
	if err != nil {
		t.Fatal(err)
	}
	a := modelAnswer(t, c)
	for _, d := range []string{"allowed", "implicitDeny", "explicitDeny"} {
		if got := Explain(c, a, oracle.Result{ID: "x", Decision: d}); got != "" {
			t.Errorf("peer %s on an invalid Effect explained as %s", d, got)
		}
	}
}
