// Package seedcorpus is the one loader of the embedded corpus (package corpus) for
// the fuzz targets, and their shared setup. It links only model and the corpus, so
// that a target package importing it stays small: go test -fuzz scans every
// coverage counter of the test binary after each execution, and the fewer
// packages a target links the faster it runs (docs/performance.md, "Fuzz targets").
package seedcorpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/corpus"
	"github.com/iamfuzz/iamfuzz/model"
)

// ErrNoSeeds means a target found no seed inputs: fuzzing from nothing would
// look like a passing run while exploring almost nothing, so setup fails.
var ErrNoSeeds = errors.New("fuzz: no seed inputs")

// Fataler is what the targets' setup needs of *testing.F. It is an interface
// because go-118-fuzz-build (ClusterFuzzLite, OSS-Fuzz) compiles each target's
// file against its own testing package, whose F is another type.
type Fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// MustSeeds returns a target's seeds or stops the run. go-118-fuzz-build's
// F.Fatalf does nothing, so the panic is what would stop a libFuzzer binary; but
// there F.Add does nothing either and the seeds come from the seed corpus
// directory, so MustSeeds does not compute them (the first input would pay for it
// under libFuzzer's instrumentation, seconds against its 25 s timeout).
func MustSeeds(f Fataler, seeds func() ([][]byte, error)) [][]byte {
	f.Helper()
	if LibFuzzerBuild {
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

// Sample returns inputs, or n of them evenly spaced when there are more: go test
// -fuzz runs every seed through its worker protocol before fuzzing, so a target
// keeps a sample of a large seed set.
func Sample(inputs [][]byte, n int) [][]byte {
	if len(inputs) <= n {
		return inputs
	}
	sampled := make([][]byte, 0, n)
	for i := range n {
		sampled = append(sampled, inputs[i*len(inputs)/n])
	}
	return sampled
}

// Corpus is the embedded corpus as the targets use it: cases with their
// {"$ref"} policies inlined, so nothing depends on the working directory.
type Corpus struct {
	Cases    []*model.Case
	Policies [][]byte // corpus/policies/*.json, in name order
}

// Load reads the embedded corpus once per process: go-118-fuzz-build calls a
// target function on every input, so setup must not repeat.
var Load = sync.OnceValues(Read)

// Read reads the embedded corpus (Load caches it).
func Read() (*Corpus, error) {
	sc := &Corpus{}
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
		sc.Cases = append(sc.Cases, cs...)
	}
	pols, _ := fs.Glob(corpus.FS, "policies/*.json")
	sort.Strings(pols)
	for _, name := range pols {
		data, err := fs.ReadFile(corpus.FS, name)
		if err != nil {
			return nil, err
		}
		sc.Policies = append(sc.Policies, data)
	}
	if len(sc.Cases) == 0 || len(sc.Policies) == 0 {
		return nil, fmt.Errorf("embedded corpus: %d cases, %d policies: %w", len(sc.Cases), len(sc.Policies), ErrNoSeeds)
	}
	return sc, nil
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
