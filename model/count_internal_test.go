package model

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

// TestRuneCountAgrees: runeCount's ASCII fast path counts as utf8.RuneCount
// does, invalid bytes included.
func TestRuneCountAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOfN(rapid.SampledFrom([]rune("ab\n é€\xff")), 0, 40, -1).Draw(t, "s")
		b := []byte(s)
		if rapid.Bool().Draw(t, "invalid") && len(b) > 0 {
			b[rapid.IntRange(0, len(b)-1).Draw(t, "at")] = 0xC3
		}
		if got, want := runeCount(b), utf8.RuneCount(b); got != want {
			t.Fatalf("%q: runeCount %d, utf8.RuneCount %d", b, got, want)
		}
	})
}

// TestDistanceLowerAgrees: Closest's case-folding distance is the edit
// distance of the lower-cased strings, also for non-ASCII names.
func TestDistanceLowerAgrees(t *testing.T) {
	words := append([]string{"", "a", "É", "ÉtatIfExists", "STRINGEQUALS", "BoolIfExist", "bOOLiFeXISTS", "x\xff", strings.Repeat("Ab", 40)}, operatorNames...)
	for _, a := range words {
		la := strings.ToLower(a)
		for _, b := range words {
			if got, want := distanceLower(la, b), editDistance(la, strings.ToLower(b)); got != want {
				t.Fatalf("%q, %q: distanceLower %d, editDistance %d", a, b, got, want)
			}
		}
	}
}
