package mutate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/mutate"
)

const awsExample = "../../corpus/policies/000-aws-mfa-self-manage.json"

func load(t testing.TB, path string) *properties.Target {
	t.Helper()
	tg, err := properties.LoadTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// truth is the ground truth about a variant: the invariants that some probe of
// the bounded exhaustive sweep (plus the probes liveness rules name) breaks with
// severity error, with one example each.
type truth map[string]string

func groundTruth(tg *properties.Target) truth {
	out := truth{}
	visit := func(p properties.Probe) bool {
		_, vs, err := tg.CheckProbe(p)
		if err != nil {
			return true
		}
		for _, v := range vs {
			if v.Severity == properties.SeverityError {
				if _, ok := out[v.Invariant]; !ok {
					out[v.Invariant] = v.Reason
				}
			}
		}
		return true
	}
	for _, p := range tg.Directed() {
		visit(p)
	}
	tg.Sweep(visit)
	return out
}

func (tr truth) invariants() []string {
	var out []string
	for k := range tr {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mutantTarget(base *properties.Target, v mutate.Variant) *properties.Target {
	return properties.NewTarget(base.Path+"#"+v.ID, v.Policy, base.Spec)
}

func TestMutantsAreValidAndDistinct(t *testing.T) {
	base := load(t, awsExample)
	ms, err := mutate.Semantic(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	eq, err := mutate.Equivalent(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 60 || len(eq) < 10 {
		t.Fatalf("%d mutants, %d rewrites", len(ms), len(eq))
	}
	orig := string(base.Policy.Marshal())
	ids := map[string]bool{}
	for _, v := range append(ms, eq...) {
		if ids[v.ID] {
			t.Errorf("duplicate id %s", v.ID)
		}
		ids[v.ID] = true
		if string(v.Policy.Marshal()) == orig {
			t.Errorf("%s does not change the policy", v.ID)
		}
		if v.Description == "" {
			t.Errorf("%s has no description", v.ID)
		}
	}
	for _, op := range append(slices.Clone(mutate.SemanticOperators), mutate.EquivalentOperators...) {
		if op.Doc == "" {
			t.Errorf("operator %s has no doc", op.Name)
		}
	}
}

// Every semantic mutant of AWS's example that breaks an invariant (by the ground
// truth of the bounded exhaustive sweep) is caught by iamfuzz check's run with
// the default budget; mutants that break none are listed with the reason.
func TestSemanticMutantsCaught(t *testing.T) {
	base := load(t, awsExample)
	if tr := groundTruth(base); len(tr) != 0 {
		t.Fatalf("the AWS example itself breaks %v", tr)
	}
	ms, err := mutate.Semantic(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	var breaking, caught int
	var table strings.Builder
	for _, m := range ms {
		tg := mutantTarget(base, m)
		tr := groundTruth(tg)
		// As iamfuzz check runs it (directed probes, then the default budget of
		// random ones), stopping at the first error: caught within the budget.
		rep := tg.Run(context.Background(), properties.Options{Seed: 1, StopAtFirst: true, NoMinimize: true})
		var found []string
		for _, f := range rep.BySeverity(properties.SeverityError) {
			if !slices.Contains(found, f.Invariant) {
				found = append(found, f.Invariant)
			}
		}
		sort.Strings(found)
		switch {
		case len(tr) > 0 && len(found) == 0:
			t.Errorf("%s breaks %v but the run did not catch it (%s)", m.ID, tr.invariants(), tr[tr.invariants()[0]])
		case len(tr) == 0 && len(found) > 0:
			// The sweep is bounded: a random probe may reach what it does not.
			// The violation is real (the same invariant functions said so).
			t.Logf("%s: found %v beyond the sweep", m.ID, found)
		}
		if len(tr) > 0 || len(found) > 0 {
			breaking++
			if len(found) > 0 {
				caught++
			}
		}
		how := "breaks no invariant: " + m.Description
		switch {
		case len(found) > 0 && rep.FirstError == 0:
			how = "caught by a probe a liveness rule names"
		case len(found) > 0:
			how = fmt.Sprintf("caught after %d random probes", rep.FirstError)
		}
		fmt.Fprintf(&table, "%-62s %-22s %s\n", m.ID, strings.Join(found, ","), how)
	}
	t.Logf("mutation score: %d/%d invariant-breaking mutants caught (%d mutants)\n%s", caught, breaking, len(ms), table.String())
	if breaking < len(ms)*3/4 {
		t.Errorf("only %d of %d mutants break an invariant: the operators have lost their teeth", breaking, len(ms))
	}
}

// The edits of docs/architecture.md §1 are caught by the invariant its table names.
func TestDesignTableEditsCaughtByTheRightInvariant(t *testing.T) {
	base := load(t, awsExample)
	ms, err := mutate.Semantic(base.Policy)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]mutate.Variant{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	tests := []struct {
		id, invariant string
	}{
		{"ifexists-to-plain@Statement[8].Condition.BoolIfExists", "mfa-gate"},
		{"add-notaction-entry@Statement[8].NotAction+iam:ChangePassword", "mfa-gate"},
		{"add-notaction-entry@Statement[8].NotAction+iam:DeactivateMFADevice", "mfa-gate"},
		{"username-suffix-star@Statement[1].Resource[0]", "owner-only"},
		{"username-to-star@Statement[2].Resource[0]", "owner-only"},
		{"username-prefix-star@Statement[7].Resource[0]", "owner-only"},
		{"drop-notaction-entry@Statement[8].NotAction[2]", "liveness"}, // iam:GetUser, as in seed 003
		{"drop-statement@Statement[8]", "mfa-gate"},                    // no deny at all, as in seed 001
		{"deny-to-allow@Statement[8].Effect", "mfa-gate"},
		{"flip-bool@Statement[8].Condition.BoolIfExists", "liveness"},
		{"drop-condition@Statement[8].Condition", "liveness"},
		{"widen-resource@Statement[3].Resource", "owner-only"},
		{"widen-action@Statement[0].Action", "owner-only"},
		{"misspell-condition-key@Statement[8].Condition.BoolIfExists.aws:MultiFactorAuthPresent", "liveness"},
	}
	for _, tc := range tests {
		m, ok := byID[tc.id]
		if !ok {
			t.Errorf("no mutant %s", tc.id)
			continue
		}
		rep := mutantTarget(base, m).Run(context.Background(), properties.Options{Seed: 1})
		var got []string
		for _, f := range rep.BySeverity(properties.SeverityError) {
			got = append(got, f.Invariant)
		}
		if !slices.Contains(got, tc.invariant) {
			t.Errorf("%s (%s): caught by %v, want %s", tc.id, m.Description, got, tc.invariant)
		}
	}
	// Dropping sts:GetSessionToken from the deny's NotAction breaks nothing: AWS
	// does not enforce policies for it, so its deny is only a note.
	m := byID["drop-notaction-entry@Statement[8].NotAction[7]"]
	if !strings.Contains(m.Description, "sts:GetSessionToken") {
		t.Fatalf("NotAction[7] is %s", m.Description)
	}
	rep := mutantTarget(base, m).Run(context.Background(), properties.Options{Seed: 1})
	if rep.Failed() || len(rep.BySeverity(properties.SeverityNote)) == 0 {
		t.Errorf("dropping sts:GetSessionToken: failed=%v notes=%d", rep.Failed(), len(rep.BySeverity(properties.SeverityNote)))
	}
}

// Every equivalent rewrite agrees with the original on every generated request:
// the sweep, the liveness probes and random probes of every kind.
func TestEquivalentRewritesAgree(t *testing.T) {
	for _, path := range []string{awsExample, "../../corpus/policies/003-blog-self-manage-mfa.json", "../../corpus/policies/001-self-manage-no-mfa.json", "../../corpus/policies/004-aws-mfa-device-only.json"} {
		base := load(t, path)
		rws, err := mutate.Equivalent(base.Policy)
		if err != nil {
			t.Fatal(err)
		}
		for _, rw := range rws {
			tg := mutantTarget(base, rw)
			n := 0
			compare := func(p properties.Probe) bool {
				r, err := p.Request()
				if err != nil {
					return true
				}
				n++
				a, b := base.Decide(r), tg.Decide(r)
				if a.Decision != b.Decision {
					t.Errorf("%s: %s changes %s: %s → %s", filepath.Base(path), rw.ID, properties.RequestJSON(&properties.Violation{Request: r}), a.Decision, b.Decision)
					return false
				}
				return true
			}
			tg.Sweep(compare)
			for _, p := range base.Directed() {
				compare(p)
			}
			src := properties.NewRandSource(42)
			for range 20000 {
				if !compare(base.Draw(src)) {
					break
				}
			}
			if n < 20000 {
				t.Errorf("%s: only %d requests compared", rw.ID, n)
			}
		}
	}
}

// Equivalent rewrites also give the same verdict under check.
func TestEquivalentRewritesSameVerdict(t *testing.T) {
	for _, path := range []string{awsExample, "../../corpus/policies/003-blog-self-manage-mfa.json"} {
		base := load(t, path)
		want := verdict(base.Run(context.Background(), properties.Options{Seed: 5, Checks: 4000}))
		rws, err := mutate.Equivalent(base.Policy)
		if err != nil {
			t.Fatal(err)
		}
		for _, rw := range rws {
			got := verdict(mutantTarget(base, rw).Run(context.Background(), properties.Options{Seed: 5, Checks: 4000}))
			if got != want {
				t.Errorf("%s %s: verdict %s, original %s", filepath.Base(path), rw.ID, got, want)
			}
		}
	}
}

func verdict(r *properties.Report) string {
	set := map[string]bool{}
	for _, f := range r.Findings {
		set[f.Invariant+"/"+f.Severity.String()] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return fmt.Sprintf("failed=%v %v", r.Failed(), out)
}

func TestMain(m *testing.M) {
	// The catalogue and the policies are read relative to this directory.
	if _, err := os.Stat(awsExample); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// TestActionCaseKeepsStar: the action-case rewrite must leave "*" alone (found by
// FuzzDecide: it wrote "*:", an invalid policy).
func TestActionCaseKeepsStar(t *testing.T) {
	p, err := model.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`), model.IdentityPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mutate.Equivalent(p); err != nil {
		t.Fatal(err)
	}
}
