package fuzz

import (
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
	"github.com/iamfuzz/iamfuzz/model"
	"github.com/iamfuzz/iamfuzz/properties/choice"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// ErrNoSeeds means a target found no seed inputs (seedcorpus.ErrNoSeeds).
var ErrNoSeeds = seedcorpus.ErrNoSeeds

// mustSeeds: see seedcorpus.MustSeeds.
func mustSeeds(f seedcorpus.Fataler, seeds func() ([][]byte, error)) [][]byte {
	f.Helper()
	return seedcorpus.MustSeeds(f, seeds)
}

// loadCases returns the embedded corpus's cases (seedcorpus.Load, read once per
// process: go-118-fuzz-build calls a target function on every input, so setup
// must not repeat).
func loadCases() ([]*model.Case, error) {
	sc, err := seedcorpus.Load()
	if err != nil {
		return nil, err
	}
	return sc.Cases, nil
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

// DecideSeeds: every corpus case (three bytes each) and a few generated cases.
var DecideSeeds = sync.OnceValues(func() ([][]byte, error) {
	cases, err := loadCases()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i := range cases {
		out = append(out, []byte{corpusMode, byte(i >> 8), byte(i)})
	}
	r := choice.NewRandSource(1)
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
	for i := 0; i < len(cases); i += 7 {
		out = append(out, []byte{corpusMode | byte(1<<(i%4)), byte(i >> 8), byte(i), byte(i * 31), byte(i * 17), 3, 1})
	}
	return out, nil
})

// isCorpusInput reports whether a decide input picks a corpus case (DecideCase).
func isCorpusInput(data []byte) bool { return len(data) >= 3 && data[0] >= corpusMode }

// DecideCase turns a decide target input into its case: a generated one, or a
// corpus case whose request may take fields from a generated one. It is the one
// decoding of these inputs; iamfuzz promote --fuzz uses it for crashers.
func DecideCase(data []byte) *model.Case {
	if len(data) > maxDecideInput {
		data = data[:maxDecideInput]
	}
	if !isCorpusInput(data) {
		return gencase.Case(choice.NewBytesSource(data), "fuzz")
	}
	cases, err := loadCases()
	if err != nil {
		panic(err) // setup checked it; the corpus is embedded
	}
	c := *cases[(int(data[1])<<8|int(data[2]))%len(cases)]
	if rest := data[3:]; len(rest) > 0 {
		// Only a request is drawn: the case's policies stay, compiled once per
		// process (corpusCaches), which keeps these inputs cheap.
		src := choice.NewBytesSource(rest)
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
