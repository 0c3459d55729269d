package model

import (
	"sort"
	"strings"
)

// Closest returns the candidate nearest to s by case-insensitive edit distance,
// if it is within maxDist; ties go to the earlier candidate. It backs the
// "did you mean" hints of the model and of spec files.
func Closest(s string, candidates []string, maxDist int) (string, bool) {
	best, bestD := "", maxDist+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		// The distance of ASCII names is at least their difference in length:
		// a candidate that cannot beat the best so far is not compared (an
		// unknown operator's hint compared it with each of the operator names,
		// ~740 k instructions; docs/performance.md "eval, sixth pass").
		if len(ls) < 64 && len(c) < 64 && max(len(ls)-len(c), len(c)-len(ls)) >= bestD && isASCII(c) {
			continue
		}
		if d := distanceLower(ls, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= maxDist
}

// distanceLower is the edit distance of ls and strings.ToLower(c), lower-casing
// an ASCII c as it compares, in rows on the stack for names under 64 bytes
// (the hints of a policy's unknown operators compared each with every operator
// name: a lower-cased copy and two rows each). A non-ASCII c is lower-cased
// first; lowerASCII leaves what ToLower returns as it is.
func distanceLower(ls, c string) int {
	if !isASCII(c) {
		c = strings.ToLower(c)
	}
	var rows [2][65]int
	prev, cur := rows[0][:], rows[1][:]
	if len(c) >= len(rows[0]) {
		prev, cur = make([]int, len(c)+1), make([]int, len(c)+1)
	}
	prev, cur = prev[:len(c)+1], cur[:len(c)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ls); i++ {
		cur[0] = i
		for j := 1; j <= len(c); j++ {
			cost := 1
			if ls[i-1] == lowerASCII(c[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(c)]
}

// operatorNames is every operator name with and without IfExists, sorted, for
// hints.
var operatorNames = func() []string {
	var out []string
	for k := range baseOps {
		out = append(out, k, k+"IfExists")
	}
	sort.Strings(out)
	return out
}()
