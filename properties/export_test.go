package properties

import "testing"

// For the external tests of the engines (engines_ext_test.go): the planted bugs,
// the edit that plants one, and a seed policy's target.

// PlantedBugs: see plantedBugs.
var PlantedBugs = func() (out []struct {
	Invariant string
	Kind      error
	Old, New  string
}) {
	for _, pb := range plantedBugs {
		out = append(out, struct {
			Invariant string
			Kind      error
			Old, New  string
		}{pb.invariant, pb.kind, pb.old, pb.new})
	}
	return out
}()

// Edited: see edited.
func Edited(t testing.TB, old, new string) *Target { return edited(t, old, new) }

// SeedTarget: see seedTarget, with the policy's own or the default spec.
func SeedTarget(t testing.TB, name string) *Target { return seedTarget(t, name, nil) }
