//go:build !iamfuzz_plant_sessionusers

package properties

import "github.com/iamfuzz/iamfuzz/model"

// plantedBundleBug is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_sessionusers the proof decides the classes of IAM
// users with the session policy around the identity policy applied to them
// too, as if users had sessions (prove_bundle_plant_on.go); probes are decided
// right: TestPlantedSessionUsersBugCaughtByBundleBruteForce proves that the
// bundle brute force notices.
const plantedBundleBug = false

func plantedClassBundle(_ *Target, b *model.Bundle, _ *model.Request) *model.Bundle { return b }
