package properties

import (
	"context"
	"path/filepath"
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
