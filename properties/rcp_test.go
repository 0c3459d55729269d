package properties

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// An RCP's statements must name Principal "*" (AWS's RCP syntax), which every
// caller matches: the proof is not made unknown by it
// (corpus/examples/rcp). Before, every bundle with an RCP was unknown.
func TestRCPProved(t *testing.T) {
	dir := filepath.Join(examplesDir, "rcp")
	tg, err := LoadTargetSpec(filepath.Join(dir, "keeps.json"), filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if rep := tg.Prove(context.Background(), Options{}); rep.Verdict != VerdictProved {
		t.Errorf("%s: %s, unknown: %v, findings: %v", tg.Path, rep.Verdict, rep.Coverage.Unknown, rep.Findings)
	}
	rcp, err := LoadPolicyFile(filepath.Join(dir, "rcp.json"), model.RCPPolicy)
	if err != nil {
		t.Fatal(err)
	}
	spec := mustSpec(t, "version: 1\nnever:\n  - name: no other reads\n    actions: [s3:GetObject]\n    resources: [\"arn:aws:s3:::other/*\"]\n")
	other := NewTargetIn(tg.Path, tg.Policy, spec, &Surroundings{RCP: []*PolicyFile{rcp}})
	if rep := other.Prove(context.Background(), Options{}); rep.Verdict != VerdictFail {
		t.Errorf("a rule on another bucket: %s, unknown: %v", rep.Verdict, rep.Coverage.Unknown)
	}
}

// AWS applies RCPs to the actions of the services its RCP page lists only
// (docs/semantics.md §3.3 rule 3): an RCP statement on "s*:*" governs sqs: and
// not sns:, so the proof must not let one class speak for both
// (corpus/examples/rcp-scope). Without the rcp-applies action list it judged
// one action the RCP denies for every s* action and reported proved.
func TestRCPScopeKeptApart(t *testing.T) {
	dir := filepath.Join(examplesDir, "rcp-scope")
	tg, err := LoadTargetSpec(filepath.Join(dir, "identity.json"), filepath.Join(dir, "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rep := tg.Prove(context.Background(), Options{})
	if rep.Verdict != VerdictFail {
		t.Fatalf("%s: %s, unknown: %v", tg.Path, rep.Verdict, rep.Coverage.Unknown)
	}
	for _, f := range rep.Findings {
		if svc, _, _ := strings.Cut(strings.ToLower(f.Request.Action), ":"); svc == "s3" || svc == "sqs" || svc == "sts" {
			t.Errorf("a finding on %s, which the RCP denies: %+v", f.Request.Action, f)
		}
	}
}
