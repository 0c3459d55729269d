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

// TestClosestAgrees: Closest's length pruning picks the candidate (the first of
// the nearest) that comparing every candidate picks.
func TestClosestAgrees(t *testing.T) {
	words := append([]string{"", "a", "É", "ÉtatIfExists", "STRINGEQUALS", "BoolIfExist", "bOOLiFeXISTS", "x\xff", "StringLik", "NumericLessThanEqualsIfExistsX", strings.Repeat("Ab", 40)}, operatorNames...)
	for _, s := range words {
		for _, maxDist := range []int{0, 1, 2, 5} {
			ls := strings.ToLower(s)
			want, wantD := "", maxDist+1
			for _, c := range operatorNames {
				if d := editDistance(ls, strings.ToLower(c)); d < wantD {
					want, wantD = c, d
				}
			}
			got, ok := Closest(s, operatorNames, maxDist)
			if got != want || ok != (wantD <= maxDist) {
				t.Fatalf("Closest(%q, %d) = %q, %v; comparing all: %q, %v", s, maxDist, got, ok, want, wantD <= maxDist)
			}
		}
	}
}

// TestHasUpperServiceAgrees: hasUpperService finds the ARN's third segment as
// strings.SplitN did and compares it as strings.ToLower does.
func TestHasUpperServiceAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.StringOfN(rapid.SampledFrom([]rune("aS3:É\xff*$")), 0, 20, -1).Draw(t, "r")
		parts := strings.SplitN(r, ":", 4)
		want := len(parts) > 2 && parts[2] != strings.ToLower(parts[2])
		if got := hasUpperService(r); got != want {
			t.Fatalf("%q: hasUpperService %v, SplitN and ToLower %v", r, got, want)
		}
	})
}

// editDistance is the plain Levenshtein distance, the reference the hints' distance
// is held to.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
