// Package properties holds iamfuzz's generators and invariants. Generators are
// written once against Source, a small choice interface, and driven by three
// engines: rapid (shrinking, under go test), gopter (parallel workers and growing
// sizes, for long nightly runs), both in package properties/engines, and the raw
// bytes of go test -fuzz. Invariants (MFAGateCheck, OwnerOnlyCheck, LivenessCheck)
// are plain functions shared by all engines.
//
// A Spec (spec.go, corpus/specs/README.md) declares one policy's invariants; a
// policy without one gets DefaultSpec. LoadTarget pairs a policy with its spec, and
// Target.Run is what "iamfuzz check" does: the probes the liveness rules name, then
// seeded random probes, every finding minimized and explained. engines.RapidProperty,
// Target.FuzzBytes and engines.RunGopter run the same property under each engine.
// Package properties/gencase draws whole cases for differential runs with the same
// Source.
package properties

import "github.com/iamfuzz/iamfuzz/properties/choice"

// The choice interface and its plain engines live in package choice, which links
// nothing of ours (a generator on it, like properties/gencase, stays light for
// go test -fuzz); these are the same names here.
type (
	// Source: see choice.Source.
	Source = choice.Source
	// RandSource: see choice.RandSource.
	RandSource = choice.RandSource
	// BytesSource: see choice.BytesSource.
	BytesSource = choice.BytesSource
)

// Pick returns one element of xs.
func Pick[T any](s Source, xs []T) T { return choice.Pick(s, xs) }

// Bool returns a coin flip; false is the simpler choice.
func Bool(s Source) bool { return choice.Bool(s) }

// Chance returns true with probability about 1/n; false is the simpler choice.
func Chance(s Source, n int) bool { return choice.Chance(s, n) }

// Between returns a count in [lo, hi].
func Between(s Source, lo, hi int) int { return choice.Between(s, lo, hi) }

// NewRandSource returns a Source seeded with seed.
func NewRandSource(seed uint64) *RandSource { return choice.NewRandSource(seed) }

// NewBytesSource returns a Source over data.
func NewBytesSource(data []byte) *BytesSource { return choice.NewBytesSource(data) }
