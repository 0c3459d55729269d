package invariants

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus"
	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/internal/warmstack"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
)

// checkInvariants is the invariant target's property: the first byte picks one of
// the corpus policies that have a spec (they must hold their invariants) and the
// rest are the choices of one probe (properties.BytesSource), so the fuzzer's
// mutations and minimization act on probes. A violation comes back explained,
// with the command that replays it.
func checkInvariants(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	targets, err := loadTargets()
	if err != nil {
		return err
	}
	tg := targets[int(data[0])%len(targets)]
	if v := tg.FuzzBytes(data[1:]); v != nil {
		return fmt.Errorf("%s\n%s", tg.Path, tg.Describe(v))
	}
	return nil
}

// checkInvariantsWarm is checkInvariants on a goroutine whose stack has grown
// once (internal/warmstack), not on go test -fuzz's fresh one per execution.
var checkInvariantsWarm = warmstack.New(checkInvariants)

// MaxInput bounds the seeds (TestSeedsAreSmall): a policy index and a short
// probe; minimizing a new input costs about n² executions of the target.
const MaxInput = 16

// Seeds: for each invariant target, its first probe and a short one.
var Seeds = sync.OnceValues(func() ([][]byte, error) {
	targets, err := loadTargets()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i := range targets {
		out = append(out, []byte{byte(i)}, []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8})
	}
	return out, nil
})

// loadTargets reads the invariant targets from the embedded corpus once per
// process: go-118-fuzz-build calls a target function on every input, so setup
// must not repeat.
var loadTargets = sync.OnceValues(readTargets)

// readTargets: the policies with their own spec (the ones expected to hold their
// invariants); the others break theirs on purpose and are check's tests.
func readTargets() ([]*properties.Target, error) {
	specs, _ := fs.Glob(corpus.FS, "specs/*.yaml")
	sort.Strings(specs)
	var out []*properties.Target
	for _, s := range specs {
		pol := "policies/" + strings.TrimSuffix(path.Base(s), ".yaml") + ".json"
		tg, err := loadTarget(pol, s)
		if err != nil {
			return nil, fmt.Errorf("embedded corpus: %w", err)
		}
		out = append(out, tg)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("embedded corpus: no specs: %w", seedcorpus.ErrNoSeeds)
	}
	return out, nil
}

func loadTarget(policyFile, specFile string) (*properties.Target, error) {
	data, err := fs.ReadFile(corpus.FS, policyFile)
	if err != nil {
		return nil, err
	}
	pol, err := model.Parse(data, model.IdentityPolicy)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", policyFile, err)
	}
	specData, err := fs.ReadFile(corpus.FS, specFile)
	if err != nil {
		return nil, err
	}
	spec, err := properties.ParseSpec(specData, "corpus/"+specFile)
	if err != nil {
		return nil, err
	}
	// The path appears in replay lines ({"$ref": …}); it is the file's place in
	// the repository.
	return properties.NewTarget("corpus/"+policyFile, pol, spec), nil
}
