package properties_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// BenchmarkProveSeed: the proof engine on AWS's example (one op: one proof).
func BenchmarkProveSeed(b *testing.B) {
	tg, err := properties.LoadTarget("../corpus/policies/000-aws-mfa-self-manage.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if rep := tg.Prove(context.Background(), properties.Options{}); rep.Verdict != properties.VerdictProved {
			b.Fatal(rep.Verdict)
		}
	}
}

// BenchmarkProveManaged: the proof engine over the 1,594 AWS managed policies,
// each with the default spec iamfuzz check would choose (one op: the corpus).
// It reports the verdicts as metrics.
func BenchmarkProveManaged(b *testing.B) {
	pols, err := managed.Load()
	if err != nil {
		b.Fatal(err)
	}
	if n, err := strconv.Atoi(os.Getenv("IAMFUZZ_MANAGED_N")); err == nil && n > 0 && n < len(pols) {
		pols = pols[:n] // a prefix, for profiling
	}
	var targets []*properties.Target
	for _, p := range pols {
		pol, err := model.Parse([]byte(p.Document), model.IdentityPolicy)
		if err != nil {
			continue
		}
		spec, _ := properties.ChooseDefault(pol)
		targets = append(targets, properties.NewTarget(p.Name, pol, spec))
	}
	for b.Loop() {
		n := map[string]int{}
		for _, tg := range targets {
			n[tg.Prove(context.Background(), properties.Options{NoMinimize: true, StopAtFirst: true}).Verdict]++
		}
		b.ReportMetric(float64(len(targets)), "policies")
		b.ReportMetric(float64(n[properties.VerdictProved]), "proved")
		b.ReportMetric(float64(n[properties.VerdictFail]), "fail")
		b.ReportMetric(float64(n[properties.VerdictUnknown]), "unknown")
	}
}
