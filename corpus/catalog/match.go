package catalog

import (
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// AcceptsResource reports whether arn can be a resource that the action is
// authorized against: either it fits the ARN template of one of the action's
// resource types, or the action takes no resource and arn is "*".
//
// A template is read segment by segment (arn:partition:service:region:account:
// resource):
//
//   - ${Partition} matches one partition ("aws", "aws-cn", "aws-us-gov", ...);
//   - ${Region} matches one non-empty region segment;
//   - a variable naming an account (${Account}, ${AccountId}, ...) matches 12
//     digits or "aws" (resources AWS owns); an empty segment matches only an empty one;
//   - in the resource part, every variable (${UserNameWithPath},
//     ${BucketName}, ...) matches any non-empty text, '/' and ':' included;
//   - '*' in a template matches any text, even empty; everything else must be
//     equal, case-sensitively.
//
// So iam:ChangePassword accepts arn:aws:iam::111122223333:user/alice and
// arn:aws:iam::111122223333:user/dev/alice but neither
// arn:aws:iam::111122223333:mfa/alice nor "*". The test is deliberately
// permissive inside the resource part: it tells whether an ARN can be of a
// resource type, not which type it is (an S3 object ARN also fits the bucket
// template, whose ${BucketName} takes any text).
func (a *Action) AcceptsResource(arn string) bool {
	if arn == "*" {
		return a.TakesNoResource()
	}
	for _, rt := range a.ResourceTypes {
		for _, tpl := range rt.ARNTemplates {
			if MatchARNTemplate(tpl, arn) {
				return true
			}
		}
	}
	return false
}

// MatchARNTemplate reports whether arn fits the ARN template tpl, as described
// for [Action.AcceptsResource]. Neither string may be "*".
func MatchARNTemplate(tpl, arn string) bool {
	for seg := 0; seg < 5; seg++ {
		t, trest, ok1 := strings.Cut(tpl, ":")
		s, srest, ok2 := strings.Cut(arn, ":")
		if !ok1 || !ok2 {
			return false
		}
		if !matchSegment(seg, t, s) {
			return false
		}
		tpl, arn = trest, srest
	}
	return matchGlob(tpl, arn)
}

// matchSegment matches one of the first five segments of an ARN.
func matchSegment(seg int, t, s string) bool {
	switch seg {
	case 0: // "arn"
		return t == s
	case 1:
		if t == "${Partition}" {
			return isPartition(s)
		}
	case 3:
		if t == "${Region}" {
			return isRegion(s)
		}
	case 4:
		if name, ok := wholeVariable(t); ok && strings.Contains(name, "Account") {
			return isAccount(s)
		}
	}
	return matchGlob(t, s)
}

// wholeVariable returns X when t is exactly "${X}".
func wholeVariable(t string) (string, bool) {
	if len(t) > 3 && strings.HasPrefix(t, "${") && strings.HasSuffix(t, "}") && !strings.ContainsAny(t[2:len(t)-1], "${}") {
		return t[2 : len(t)-1], true
	}
	return "", false
}

// isPartition accepts "aws", "aws-cn", "aws-us-gov", "aws-iso-b", ...
func isPartition(s string) bool {
	if !strings.HasPrefix(s, "aws") {
		return false
	}
	return isLowerWord(s)
}

// isRegion accepts a non-empty segment of lower-case letters, digits and
// hyphens ("us-east-1").
func isRegion(s string) bool { return s != "" && isLowerWord(s) }

func isLowerWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isAccount accepts a 12-digit account number, or "aws" for resources AWS owns.
func isAccount(s string) bool {
	// "aws": resources owned by AWS itself, such as the managed policy
	// arn:aws:iam::aws:policy/ReadOnlyAccess.
	return s == "aws" || model.IsAccountID(s)
}

// matchGlob matches s against the template text p, in which "${...}" stands
// for one or more characters, '*' for zero or more and any other byte for
// itself. It is the classic greedy wildcard match with one backtracking point:
// a variable is "one character, then '*'".
func matchGlob(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, -1
	for si < len(s) {
		if pi < len(p) {
			switch {
			case p[pi] == '*':
				pi++
				starP, starS = pi, si
				continue
			case p[pi] == '$' && pi+1 < len(p) && p[pi+1] == '{':
				if end := strings.IndexByte(p[pi:], '}'); end > 0 {
					pi += end + 1
					si++ // the one character a variable needs
					starP, starS = pi, si
					continue
				}
				if p[pi] == s[si] {
					pi++
					si++
					continue
				}
			case p[pi] == s[si]:
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
