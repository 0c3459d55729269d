package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus"
	"github.com/iamfuzz/iamfuzz/corpus/managed"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// ErrNoSeeds means a target found no seed inputs: fuzzing from nothing would
// look like a passing run while exploring almost nothing, so setup fails.
var ErrNoSeeds = errors.New("fuzz: no seed inputs")

// fataler is what the targets' setup needs of *testing.F. It is an interface
// because go-118-fuzz-build (ClusterFuzzLite, OSS-Fuzz) compiles each target's
// file against its own testing package, whose F is another type.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// mustSeeds returns a target's seeds or stops the run. go-118-fuzz-build's
// F.Fatalf does nothing, so the panic is what would stop a libFuzzer binary; but
// there F.Add does nothing either and the seeds come from the seed corpus
// directory, so mustSeeds does not compute them (the first input would pay for it
// under libFuzzer's instrumentation, seconds against its 25 s timeout).
func mustSeeds(f fataler, seeds func() ([][]byte, error)) [][]byte {
	f.Helper()
	if libFuzzerBuild {
		return nil
	}
	s, err := seeds()
	if err == nil && len(s) == 0 {
		err = ErrNoSeeds
	}
	if err != nil {
		err = fmt.Errorf("fuzz setup: %w", err)
		f.Fatalf("%v", err)
		panic(err)
	}
	return s
}

// seedCorpus is the embedded corpus as the targets use it: cases with their
// {"$ref"} policies inlined, so nothing depends on the working directory.
type seedCorpus struct {
	cases    []*model.Case
	policies [][]byte // corpus/policies/*.json, in name order
	targets  []*properties.Target
}

// loadCorpus reads the embedded corpus once per process: go-118-fuzz-build calls
// a target function on every input, so setup must not repeat.
var loadCorpus = sync.OnceValues(readCorpus)

func readCorpus() (*seedCorpus, error) {
	sc := &seedCorpus{}
	files, err := fs.Glob(corpus.FS, "cases/*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, name := range files {
		data, err := fs.ReadFile(corpus.FS, name)
		if err != nil {
			return nil, err
		}
		cs, err := model.ReadCases(bytes.NewReader(data), name)
		if err != nil {
			return nil, fmt.Errorf("embedded corpus: %w", err)
		}
		for _, c := range cs {
			if err := inlineRefs(c); err != nil {
				return nil, fmt.Errorf("embedded corpus: %s:%d: %w", name, c.Line, err)
			}
		}
		sc.cases = append(sc.cases, cs...)
	}
	pols, _ := fs.Glob(corpus.FS, "policies/*.json")
	sort.Strings(pols)
	for _, name := range pols {
		data, err := fs.ReadFile(corpus.FS, name)
		if err != nil {
			return nil, err
		}
		sc.policies = append(sc.policies, data)
	}
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
	if len(sc.cases) == 0 || len(sc.policies) == 0 || len(sc.targets) == 0 {
		return nil, fmt.Errorf("embedded corpus: %d cases, %d policies, %d specs: %w", len(sc.cases), len(sc.policies), len(sc.targets), ErrNoSeeds)
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

// inlineRefs replaces every {"$ref": "../policies/…"} policy of an embedded case
// with the referenced document.
func inlineRefs(c *model.Case) error {
	one := func(v jsontext.Value) (jsontext.Value, error) {
		if v.Kind() != '{' || !bytes.Contains(v, []byte(`"$ref"`)) {
			return v, nil
		}
		var ref struct {
			Ref string `json:"$ref"`
		}
		if err := json.Unmarshal(v, &ref, json.RejectUnknownMembers(false)); err != nil || ref.Ref == "" {
			return v, nil // not a reference: the case's own policy object
		}
		data, err := fs.ReadFile(corpus.FS, path.Join(c.Dir, ref.Ref))
		if err != nil {
			return nil, err
		}
		return jsontext.Value(data), nil
	}
	list := func(vs []jsontext.Value) error {
		for i, v := range vs {
			w, err := one(v)
			if err != nil {
				return err
			}
			vs[i] = w
		}
		return nil
	}
	p := &c.Policies
	groups := [][]jsontext.Value{p.Identity, p.Boundary, p.Resource}
	groups = append(groups, p.SCP...)
	groups = append(groups, p.RCP...)
	for _, vs := range groups {
		if err := list(vs); err != nil {
			return err
		}
	}
	c.Dir = ""
	return nil
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

// maxParseInput bounds the parse target's documents, for the same reason as
// maxDecideInput: minimizing a new input costs about n² executions. Longer
// documents (the managed policies) are parsed whole by model's tests.
const maxParseInput = 384

// parseSeeds: the corpus documents that fit, and each statement of the corpus
// policies and of a sample of the managed policies as a one-statement document.
// Every seed runs when fuzzing starts, so the managed ones (7,000 statements) are
// sampled down to about maxManagedSeeds (go test -fuzz first runs every seed
// through its worker protocol, milliseconds each on a loaded machine).
var parseSeeds = sync.OnceValues(func() ([][]byte, error) {
	sc, err := loadCorpus()
	if err != nil {
		return nil, err
	}
	docs := append([][]byte{}, sc.policies...)
	for _, c := range sc.cases {
		for _, v := range append(append([]jsontext.Value{}, c.Policies.Identity...), c.Policies.Resource...) {
			if t, err := model.PolicyText(v, ""); err == nil {
				docs = append(docs, t)
			}
		}
	}
	seen := map[string]bool{}
	var out [][]byte
	add := func(d []byte) {
		if len(d) <= maxParseInput && !seen[string(d)] {
			seen[string(d)] = true
			out = append(out, d)
		}
	}
	for _, d := range docs {
		add(d)
		for _, s := range statements(d) {
			add(s)
		}
	}
	mps, err := managed.Load()
	if err != nil {
		return nil, err
	}
	var ms [][]byte
	for _, mp := range mps {
		for _, s := range statements([]byte(mp.Document)) {
			if len(s) <= maxParseInput {
				ms = append(ms, s)
			}
		}
	}
	stride := max(1, len(ms)/maxManagedSeeds)
	for i := 0; i < len(ms); i += stride {
		add(ms[i])
	}
	// go test -fuzz runs every seed through its worker protocol before fuzzing
	// (about 5 ms each on a loaded machine): keep an even sample.
	if len(out) > maxParseSeeds {
		sampled := make([][]byte, 0, maxParseSeeds)
		for i := range maxParseSeeds {
			sampled = append(sampled, out[i*len(out)/maxParseSeeds])
		}
		out = sampled
	}
	return out, nil
})

const (
	maxManagedSeeds = 150
	maxParseSeeds   = 400
)

// statements splits a policy document into one-statement documents, compacted;
// nil when the document is not an object with a Statement.
func statements(doc []byte) [][]byte {
	var top struct {
		Version   string         `json:"Version"`
		Statement jsontext.Value `json:"Statement"`
	}
	if json.Unmarshal(doc, &top, json.RejectUnknownMembers(false)) != nil || len(top.Statement) == 0 {
		return nil
	}
	var list []jsontext.Value
	if top.Statement.Kind() == '[' {
		if json.Unmarshal(top.Statement, &list) != nil {
			return nil
		}
	} else {
		list = []jsontext.Value{top.Statement}
	}
	var out [][]byte
	for _, s := range list {
		s = s.Clone()
		if s.Compact() != nil {
			continue
		}
		v := top.Version
		if v == "" {
			v = "2012-10-17"
		}
		out = append(out, []byte(`{"Version":"`+v+`","Statement":`+string(s)+`}`))
	}
	return out
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
		"Decide": decideSeeds, "Parse": parseSeeds, "Invariants": invariantSeeds,
	} {
		s, err := seeds()
		if err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, nil
}
