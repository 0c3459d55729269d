// Package properties holds iamfuzz's generators and invariants. Generators are
// written once against Source, a small choice interface, and driven by three
// engines: rapid (shrinking, under go test), gopter (parallel workers and growing
// sizes, for long nightly runs) and the raw bytes of go test -fuzz. Invariants
// (MFAGateCheck, OwnerOnlyCheck, LivenessCheck) are plain functions shared by all
// engines.
//
// A Spec (spec.go, corpus/specs/README.md) declares one policy's invariants; a
// policy without one gets DefaultSpec. LoadTarget pairs a policy with its spec, and
// Target.Run is what "iamfuzz check" does: the probes the liveness rules name, then
// seeded random probes, every finding minimized and explained. Target.RapidProperty,
// Target.FuzzBytes and Target.RunGopter run the same property under each engine.
// Package properties/gencase draws whole cases for differential runs with the same
// Source.
package properties

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"pgregory.net/rapid"
)

// Source supplies the choices a generator makes. Every generator draws through it,
// so the same generator runs under every engine, and a recorded choice sequence
// replays the same value.
type Source interface {
	// Intn returns a choice in [0, n); n > 0. Smaller is "simpler": engines that
	// shrink move towards 0.
	Intn(n int) int
}

// Pick returns one element of xs.
func Pick[T any](s Source, xs []T) T { return xs[s.Intn(len(xs))] }

// Bool returns a coin flip; false is the simpler choice.
func Bool(s Source) bool { return s.Intn(2) == 1 }

// Chance returns true with probability about 1/n; false is the simpler choice.
func Chance(s Source, n int) bool { return s.Intn(n) == n-1 }

// Between returns a count in [lo, hi].
func Between(s Source, lo, hi int) int { return lo + s.Intn(hi-lo+1) }

// RandSource draws from a seeded PRNG: reproducible runs from a printed seed.
type RandSource struct{ r *rand.Rand }

// NewRandSource returns a Source seeded with seed.
func NewRandSource(seed uint64) *RandSource {
	return &RandSource{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Intn implements Source.
func (s *RandSource) Intn(n int) int { return s.r.IntN(n) }

// BytesSource reads choices from a byte string, as go test -fuzz supplies it.
// When the bytes run out every choice is 0, the simplest, so any input decodes and
// shorter inputs mean simpler values — which is what the fuzzer's minimizer wants.
type BytesSource struct {
	data []byte
	pos  int
}

// NewBytesSource returns a Source over data.
func NewBytesSource(data []byte) *BytesSource { return &BytesSource{data: data} }

// Intn implements Source.
func (s *BytesSource) Intn(n int) int {
	if n <= 1 {
		return 0
	}
	var v uint32
	switch {
	case n <= 1<<8:
		v = uint32(s.next())
	case n <= 1<<16:
		v = uint32(s.next())<<8 | uint32(s.next())
	default:
		var b [4]byte
		for i := range b {
			b[i] = s.next()
		}
		v = binary.BigEndian.Uint32(b[:])
	}
	return int(v % uint32(n))
}

func (s *BytesSource) next() byte {
	if s.pos >= len(s.data) {
		return 0
	}
	b := s.data[s.pos]
	s.pos++
	return b
}

// rapidSource draws through rapid, which records and shrinks every choice.
type rapidSource struct {
	t *rapid.T
	n int
}

// RapidSource returns a Source that draws through rapid's T.
func RapidSource(t *rapid.T) Source { return &rapidSource{t: t} }

// Intn implements Source.
func (s *rapidSource) Intn(n int) int {
	s.n++
	return rapid.IntRange(0, n-1).Draw(s.t, fmt.Sprintf("c%d", s.n))
}

// GopterChoices is a gopter generator of choice strings. gopter loses shrinking
// through Map and FlatMap, so generators do not run inside gopter: gopter produces
// (and shrinks, as a slice) the bytes, and a BytesSource replays them. size bounds
// the number of choices, so gopter's size growth means bigger values.
func GopterChoices() gopter.Gen {
	return gen.SliceOf(gen.UInt8())
}
