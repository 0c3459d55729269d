//go:build !iamfuzz_plant

package model

// plantedBug is a test-only hook: false in every normal build, so the compiler
// removes the branches it guards. Building with -tags iamfuzz_plant turns on one
// deliberate evaluator bug, to prove that the fuzz targets find such bugs
// (fuzz.FuzzDecide, scripts/fuzz-all --planted), and one in eval's fast line
// decoder (LineDecoder), which fuzz/linedecode's TestLineDecoderAgrees must catch,
// and one in the policy parser's fast scanner (scan.go), which fuzz/parse's
// TestParseAgrees must catch (fuzz/planted).
const plantedBug = false
