package parse

import (
	"bytes"
	_ "embed"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/model"
)

// MaxInput bounds the parse target's documents, for the same reason as
// maxDecideInput: minimizing a new input costs about n² executions. Longer
// documents (the managed policies) are parsed whole by model's tests.
const MaxInput = 384

// Seeds: the corpus documents that fit, and each statement of the corpus
// policies and of a sample of the managed policies as a one-statement document.
// Every seed runs when fuzzing starts, so the managed ones (7,000 statements) are
// sampled down to about maxManagedSeeds (go test -fuzz first runs every seed
// through its worker protocol, milliseconds each on a loaded machine).
var Seeds = sync.OnceValues(func() ([][]byte, error) {
	sc, err := seedcorpus.Load()
	if err != nil {
		return nil, err
	}
	docs := append([][]byte{}, sc.Policies...)
	for _, c := range sc.Cases {
		for _, v := range append(append([]jsontext.Value{}, c.Policies.Identity...), c.Policies.Resource...) {
			if t, err := model.PolicyText(v, ""); err == nil {
				docs = append(docs, t)
			}
		}
	}
	seen := map[string]bool{}
	var out [][]byte
	add := func(d []byte) {
		if len(d) <= MaxInput && !seen[string(d)] {
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
	for _, line := range bytes.Split(managedSeeds, []byte("\n")) {
		if len(line) > 0 {
			add(line)
		}
	}
	// go test -fuzz runs every seed through its worker protocol before fuzzing
	// (about 5 ms each on a loaded machine): keep an even sample.
	return seedcorpus.Sample(out, maxParseSeeds), nil
})

// managedSeeds is ManagedSeeds of the managed policies (corpus/managed), one
// document a line, written by package seedcorpus's TestParseManagedSeeds -update, which
// fails when it is stale. It is a file so that this package does not link
// corpus/managed, whose gzip and encoding/json would add thousands of coverage
// counters that go test -fuzz scans after every execution (docs/performance.md).
//
//go:embed managed_seeds.txt
var managedSeeds []byte

// ManagedSeeds is the managed policies' share of the seeds: their statements
// that fit as one-statement documents, sampled evenly down to about
// maxManagedSeeds, one a line.
func ManagedSeeds(documents []string) []byte {
	var ms [][]byte
	for _, d := range documents {
		for _, s := range statements([]byte(d)) {
			if len(s) <= MaxInput {
				ms = append(ms, s)
			}
		}
	}
	var out []byte
	stride := max(1, len(ms)/maxManagedSeeds)
	for i := 0; i < len(ms); i += stride {
		out = append(append(out, ms[i]...), '\n')
	}
	return out
}

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
