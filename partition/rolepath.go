package partition

// Role paths: the proof draws role sessions from roles without a path
// (principals), but a real role may have one, and a session's
// aws:PrincipalArn is its role's ARN with the path
// (arn:aws:iam::A:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_…). A
// condition on aws:PrincipalArn that treats a role with a path as it treats
// the same role (account and name) without one changes nothing; one that tells
// them apart (ArnNotLike …:role/aws-reserved/*, exempting Identity Center
// roles from a Deny) is reported as not divided.

// rolePathBudget bounds the states one pattern's walk may visit; a walk that
// spends it counts as telling paths apart.
const rolePathBudget = 100000

// tellsRolePathsApart reports whether a accepts exactly one of
// arn:aws:iam::A:role/N and arn:aws:iam::A:role/P/N for some account A, name N
// and non-empty path P (segments of PathChars, each ending in '/').
func tellsRolePathsApart(a *auto) bool {
	digits, pathChars, nameChars := classReps(Digits, a), classReps(PathChars, a), classReps(NameChars, a)
	// The states after arn:aws:iam::A:role/ for every account A.
	cur := map[int32]bool{}
	s := stepString(a, 0, "arn:aws:iam::")
	if a.dead[s] {
		return false
	}
	cur[s] = true
	for range 12 {
		next := map[int32]bool{}
		for x := range cur {
			for _, c := range digits {
				if y := a.step(x, c); !a.dead[y] {
					next[y] = true
				}
			}
		}
		cur = next
	}
	// A pair walks the same name from "no path" (x) and "after a path" (y);
	// seg is where y's path is: 0 at a segment's start, 1 inside one, 2 after
	// its '/' (the path may end there).
	type st struct {
		x, y int32
		seg  uint8
		name bool // the name has begun (both read it in step)
	}
	seen := map[st]bool{}
	var queue []st
	add := func(q st) bool {
		if seen[q] {
			return false
		}
		seen[q] = true
		queue = append(queue, q)
		return len(seen) > rolePathBudget
	}
	for x := range cur {
		x = stepString(a, x, ":role/")
		if add(st{x, x, 0, false}) {
			return true
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p.name && a.acc[p.x] != a.acc[p.y] {
			return true
		}
		if p.name || p.seg == 2 {
			for _, c := range nameChars {
				if add(st{a.step(p.x, c), a.step(p.y, c), 2, true}) {
					return true
				}
			}
		}
		if p.name {
			continue
		}
		if p.seg != 0 {
			if add(st{p.x, a.step(p.y, '/'), 2, false}) {
				return true
			}
		}
		for _, c := range pathChars {
			if add(st{p.x, a.step(p.y, c), 1, false}) {
				return true
			}
		}
	}
	return false
}

// stepString walks s from state x.
func stepString(a *auto, x int32, s string) int32 {
	for i := 0; i < len(s); i++ {
		x = a.step(x, s[i])
	}
	return x
}
