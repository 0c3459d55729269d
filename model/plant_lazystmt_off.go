//go:build !iamfuzz_plant_lazystmt

package model

// plantedLazyStmt is a test-only hook, false in every normal build. With the
// build tag iamfuzz_plant_lazystmt, Explain's trace reads a lazily compiled
// statement's Principal and conditions without having them compiled (as if a
// path forgot cstmt.need): TestPlantedLazyStmtCaught proves that
// TestCacheDecideAgrees notices.
const plantedLazyStmt = false
