package catalog

import "strings"

// Suggest returns the action that name most likely meant, for a "did you
// mean" message: Suggest("iam:ChangePasword") is ("iam:ChangePassword", true).
//
// Names are compared case-insensitively by edit distance (insertions,
// deletions and substitutions). An action of the same service is preferred;
// other services are searched only when the service has no close action or
// does not exist (then the prefix's distance counts too). A name without a
// colon is compared with action names alone. The allowed distance grows with
// the length of the compared name (1 up to 7 characters, 2 up to 11, then 3);
// when nothing is that close, Suggest returns "", false. Ties go to the first
// action in [Catalog.Actions] order. A name that exists (in any case) returns
// its canonical spelling and true.
func (c *Catalog) Suggest(name string) (string, bool) {
	if a, ok := c.Action(name); ok {
		return a.FullName(), true
	}
	prefix, action, hasColon := strings.Cut(name, ":")
	if !hasColon {
		action, prefix = name, ""
	}
	if action == "" {
		return "", false
	}

	// Same service first.
	if hasColon {
		if s, ok := c.Service(prefix); ok {
			if a, _ := bestIn(s, action, limitFor(len(action))); a != nil {
				return a.FullName(), true
			}
		}
	}

	// Then every service.
	limit := limitFor(len(name))
	if !hasColon {
		limit = limitFor(len(action))
	}
	var best *Action
	bestD := limit + 1
	for _, s := range c.everything() {
		dp := 0
		if hasColon {
			dp = distanceFold(prefix, s.Prefix, bestD-1)
			if dp >= bestD {
				continue
			}
		}
		if a, d := bestIn(s, action, bestD-1-dp); a != nil {
			best, bestD = a, dp+d
		}
	}
	if best == nil {
		return "", false
	}
	return best.FullName(), true
}

// limitFor is the largest edit distance accepted for a name of n bytes.
func limitFor(n int) int {
	switch {
	case n <= 7:
		return 1
	case n <= 11:
		return 2
	}
	return 3
}

// bestIn returns the action of s closest to name and its distance, or nil when
// none is within limit edits. Of equally close actions the first wins.
func bestIn(s *Service, name string, limit int) (*Action, int) {
	if limit < 0 {
		return nil, 0
	}
	var best *Action
	bestD := limit + 1
	for _, a := range s.Actions {
		if d := distanceFold(name, a.Name, bestD-1); d < bestD {
			best, bestD = a, d
			if d == 0 {
				break
			}
		}
	}
	return best, bestD
}

// distanceFold is the Levenshtein distance between a and b compared as lower
// case ASCII. It stops early and returns limit+1 once the distance is known to
// exceed limit.
func distanceFold(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	if len(a) > 64 || len(b) > 64 {
		// Long names: no stack buffers, same algorithm.
		return distanceSlow(a, b, limit)
	}
	var buf1, buf2 [65]int
	prev, cur := buf1[:len(b)+1], buf2[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		ai := lower(a[i-1])
		for j := 1; j <= len(b); j++ {
			cost := 1
			if ai == lower(b[j-1]) {
				cost = 0
			}
			v := prev[j-1] + cost
			if x := prev[j] + 1; x < v {
				v = x
			}
			if x := cur[j-1] + 1; x < v {
				v = x
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	if d := prev[len(b)]; d <= limit {
		return d
	}
	return limit + 1
}

func distanceSlow(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lower(a[i-1]) == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	if d := prev[len(b)]; d <= limit {
		return d
	}
	return limit + 1
}
