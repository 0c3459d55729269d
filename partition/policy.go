package partition

import (
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// family is a condition operator family.
type family uint8

const (
	famString family = iota
	famARN
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famNull
	famUnknown
)

// cond is one key of one condition operator block of a statement.
type cond struct {
	opText string
	fam    family
	glob   GlobKind // string and ARN families
	set    bool     // ForAllValues or ForAnyValue
	key    string   // lower-cased
	ckey   model.ConditionKey
	pats   []Pattern
	vars   bool // the policy's Version substitutes variables
}

// stmt is one statement as the partition reads it.
type stmt struct {
	policy, index int
	deny          bool
	notAction     bool
	actions       []string
	notRes        bool
	resources     []Pattern
	conds         []cond
	principal     bool // a Principal or NotPrincipal element
}

func readOperator(name string) (fam family, glob GlobKind, set bool) {
	rest := name
	for _, q := range []string{"ForAllValues:", "ForAnyValue:"} {
		if r, ok := strings.CutPrefix(rest, q); ok {
			rest, set = r, true
		}
	}
	rest = strings.TrimSuffix(rest, "IfExists")
	switch rest {
	case "StringEquals", "StringNotEquals":
		return famString, GlobLiteral, set
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return famString, GlobFold, set
	case "StringLike", "StringNotLike":
		return famString, GlobLike, set
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		return famARN, GlobARN, set
	case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		return famNumeric, 0, set
	case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		return famDate, 0, set
	case "Bool":
		return famBool, 0, set
	case "BinaryEquals":
		return famBinary, 0, set
	case "IpAddress", "NotIpAddress":
		return famIP, 0, set
	case "Null":
		return famNull, 0, set
	}
	return famUnknown, 0, set
}

// dividesPrincipals reports whether the statement's Principal or NotPrincipal
// element can tell callers apart. An RCP's Principal is "*" (AWS's RCP syntax,
// docs/semantics.md §1.1), which every caller matches: it divides nothing.
func dividesPrincipals(p *model.Policy, st *model.Statement) bool {
	if p.Type == model.RCPPolicy && st.NotPrincipal == nil && st.Principal != nil && st.Principal.Wildcard {
		return false
	}
	return st.Principal != nil || st.NotPrincipal != nil
}

func readPolicy(pi int, p *model.Policy) []stmt {
	vars := p.Version == "2012-10-17"
	out := make([]stmt, 0, len(p.Statements))
	for i := range p.Statements {
		st := &p.Statements[i]
		s := stmt{policy: pi, index: i, deny: st.Effect == "Deny", principal: dividesPrincipals(p, st)}
		acts := st.Action
		if acts == nil {
			acts, s.notAction = st.NotAction, true
		}
		if acts != nil {
			s.actions = acts.Values
		}
		res := st.Resource
		if res == nil {
			res, s.notRes = st.NotResource, true
		}
		if res != nil {
			for _, r := range res.Values {
				s.resources = append(s.resources, ParsePattern(r, PatResource, vars))
			}
		}
		for _, co := range st.Condition {
			fam, glob, set := readOperator(co.Operator)
			for _, k := range co.Keys {
				c := cond{opText: co.Operator, fam: fam, glob: glob, set: set, key: strings.ToLower(k.Key), ckey: k, vars: vars}
				subst := vars && (fam == famString || fam == famARN || fam == famBool)
				kind := PatLiteral
				if glob == GlobLike || glob == GlobARN {
					kind = PatGlob
				}
				for _, v := range k.Values {
					c.pats = append(c.pats, ParsePattern(v.Text, kind, subst))
				}
				s.conds = append(s.conds, c)
			}
		}
		out = append(out, s)
	}
	return out
}

// applies reports whether the statement can apply to actions with this match.
func (s *stmt) applies(match bool) bool { return match != s.notAction }

// principalKeys are the keys the model derives from the principal.
var principalKeys = map[string]bool{
	"aws:username": true, "aws:userid": true, "aws:principalarn": true, "aws:principalaccount": true, "aws:principaltype": true,
}

// IsPrincipalKey reports whether a context key is derived from the principal.
func IsPrincipalKey(key string) bool { return principalKeys[strings.ToLower(key)] }
