package fuzz

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus"
	"github.com/iamfuzz/iamfuzz/fuzz/parse"
	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// ErrNoSeeds means a target found no seed inputs (seedcorpus.ErrNoSeeds).
var ErrNoSeeds = seedcorpus.ErrNoSeeds

// mustSeeds: see seedcorpus.MustSeeds.
func mustSeeds(f seedcorpus.Fataler, seeds func() ([][]byte, error)) [][]byte {
	f.Helper()
	return seedcorpus.MustSeeds(f, seeds)
}

// seedCorpus is the embedded corpus (seedcorpus.Load) with the invariant
// targets.
type seedCorpus struct {
	cases    []*model.Case
	policies [][]byte // corpus/policies/*.json, in name order
	targets  []*properties.Target
}

// loadCorpus reads the embedded corpus once per process: go-118-fuzz-build calls
// a target function on every input, so setup must not repeat.
var loadCorpus = sync.OnceValues(readCorpus)

func readCorpus() (*seedCorpus, error) {
	base, err := seedcorpus.Load()
	if err != nil {
		return nil, err
	}
	sc := &seedCorpus{cases: base.Cases, policies: base.Policies}
	// The invariant targets are the policies with their own spec (the ones
	// expected to hold their invariants); the others break theirs on purpose and
	// are check's tests.
	specs, _ := fs.Glob(corpus.FS, "specs/*.yaml")
	sort.Strings(specs)
	for _, s := range specs {
		pol := "policies/" + strings.TrimSuffix(path.Base(s), ".yaml") + ".json"
		tg, err := loadTarget(pol, s)
		if err != nil {
			return nil, fmt.Errorf("embedded corpus: %w", err)
		}
		sc.targets = append(sc.targets, tg)
	}
	if len(sc.targets) == 0 {
		return nil, fmt.Errorf("embedded corpus: no specs: %w", ErrNoSeeds)
	}
	return sc, nil
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

// Each target's seeds are computed once per process (sync.OnceValues), like the
// corpus: a libFuzzer build calls the target function, and so its setup, on
// every input.

// The decide target's input layout. Inputs stay small (at most maxDecideInput
// bytes are read) so that go test -fuzz minimizes a new input in well under a
// second; large inputs make it pause for up to a minute per input.
const (
	maxDecideInput = 128
	// corpusMode: an input whose first byte is at least corpusMode picks a
	// corpus case by its next two bytes; its low four bits say which fields of a
	// request drawn from the remaining bytes (action, resource, context,
	// principal) replace the case's.
	corpusMode = 0xC0
)

// decideSeeds: every corpus case (three bytes each) and a few generated cases.
var decideSeeds = sync.OnceValues(func() ([][]byte, error) {
	sc, err := loadCorpus()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i := range sc.cases {
		out = append(out, []byte{corpusMode, byte(i >> 8), byte(i)})
	}
	r := properties.NewRandSource(1)
	out = append(out, []byte{}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for range 32 {
		in := make([]byte, 16+r.Intn(48))
		for j := range in {
			in[j] = byte(r.Intn(256))
		}
		in[0] %= corpusMode
		out = append(out, in)
	}
	// Corpus cases with a generated request field each.
	for i := 0; i < len(sc.cases); i += 7 {
		out = append(out, []byte{corpusMode | byte(1<<(i%4)), byte(i >> 8), byte(i), byte(i * 31), byte(i * 17), 3, 1})
	}
	return out, nil
})

// DecideCase turns a decide target input into its case: a generated one, or a
// corpus case whose request may take fields from a generated one. It is the one
// decoding of these inputs; iamfuzz promote --fuzz uses it for crashers.
func DecideCase(data []byte) *model.Case {
	if len(data) > maxDecideInput {
		data = data[:maxDecideInput]
	}
	if len(data) < 3 || data[0] < corpusMode {
		return gencase.Case(properties.NewBytesSource(data), "fuzz")
	}
	sc, err := loadCorpus()
	if err != nil {
		panic(err) // setup checked it; the corpus is embedded
	}
	c := *sc.cases[(int(data[1])<<8|int(data[2]))%len(sc.cases)]
	if rest := data[3:]; len(rest) > 0 {
		// Only a request is drawn: the case's policies stay, compiled once per
		// process (fuzzCache), which keeps these inputs cheap.
		src := properties.NewBytesSource(rest)
		principal := c.Request.Principal
		if data[0]&8 != 0 || strings.Count(principal, ":") < 5 {
			principal = gencase.Principal(src)
		}
		g := gencase.Request(src, principal)
		if data[0]&1 != 0 {
			c.Request.Action = g.Action
		}
		if data[0]&2 != 0 {
			c.Request.Resource, c.Request.ResourceAccount = g.Resource, g.ResourceAccount
		}
		if data[0]&4 != 0 {
			c.Request.Context = g.Context
		}
		if data[0]&8 != 0 {
			c.Request.Principal = g.Principal
		}
	}
	return &c
}

// invariantSeeds: for each invariant target, its first probe and a short one.
var invariantSeeds = sync.OnceValues(func() ([][]byte, error) {
	sc, err := loadCorpus()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i := range sc.targets {
		out = append(out, []byte{byte(i)}, []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8})
	}
	return out, nil
})

// SeedCorpora returns every target's seeds, keyed by the target's name without
// its Fuzz prefix ("Decide" for the decide target). scripts/fuzzseeds writes
// them as libFuzzer seed corpora, because a libFuzzer binary never sees the
// seeds a target adds with F.Add.
func SeedCorpora() (map[string][][]byte, error) {
	out := map[string][][]byte{}
	for name, seeds := range map[string]func() ([][]byte, error){
		"Decide": decideSeeds, "Parse": parse.Seeds, "Invariants": invariantSeeds,
	} {
		s, err := seeds()
		if err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, nil
}
