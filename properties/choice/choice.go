// Package choice is the small choice interface every generator draws through
// (Source) and its two plain engines: a seeded PRNG (RandSource) and the raw bytes
// of go test -fuzz (BytesSource). It imports nothing of ours, so a generator
// written against it (properties/gencase) links little: go test -fuzz scans every
// coverage counter of a test binary after each execution, and a fuzz target that
// links package properties (rapid, gopter, YAML, the partition) pays for all of
// theirs (docs/performance.md, "Fuzz targets"). Package properties adds the rapid
// and gopter engines and re-exports these names.
package choice

import (
	"encoding/binary"
	"math/rand/v2"
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
