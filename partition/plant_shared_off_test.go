//go:build !iamfuzz_plant_sharedkey

package partition

import "testing"

// The automata and walks the process keeps (autocache.go, walkcache.go) are
// keyed by the languages' expressions, not by the names a problem gives
// them: two problems that give one predicate name to different languages
// each get their own classes, the same as with nothing kept. With the build
// tag iamfuzz_plant_sharedkey they are keyed by name and
// TestPlantedSharedKeyCaught sees this check fail.
func TestSharedAutomataFollowTheLanguage(t *testing.T) {
	for _, d := range sharedByName(t) {
		t.Error(d)
	}
}
