// Package mutate makes variants of a parsed policy. Semantic mutants are the
// small hand edits that break "manage your own credentials" policies without any
// error (docs/architecture.md §1, the table of edits): iamfuzz must catch every one that breaks
// an invariant. Equivalent rewrites change the text but not the meaning: every
// decision must stay the same.
//
// A variant is made by cloning the model.Policy, editing the clone, writing it
// back with Marshal and parsing the result again, so every variant is a valid
// policy with fresh byte offsets, exactly as a person's edited file would be.
package mutate

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// Variant is one mutant or rewrite of a policy.
type Variant struct {
	// ID is unique within one call: operator@site.
	ID       string
	Operator string
	// Site is the JSON path of the edit, e.g. Statement[8].Condition.BoolIfExists.
	Site string
	// Description says what the edit does, for reports.
	Description string
	// Targets are the invariants the operator is meant to break (semantic
	// mutants only). Whether a given mutant really breaks one depends on the
	// site: widening the actions of a statement on the user's own ARN to iam:*
	// breaks none of the three invariants.
	Targets []string
	Policy  *model.Policy
}

// Operator is a kind of edit.
type Operator struct {
	Name    string
	Doc     string
	Targets []string // semantic operators: the invariants it is meant to break
	sites   func(p *model.Policy) []site
}

// site is one place an operator applies: its path, a description, and the edit.
type site struct {
	path, desc string
	edit       func(p *model.Policy)
}

// Invariant names, as properties spells them.
const (
	mfaGate   = "mfa-gate"
	ownerOnly = "owner-only"
	liveness  = "liveness"
)

// Semantic returns every semantic mutant of p, operator by operator, site by site.
func Semantic(p *model.Policy) ([]Variant, error) { return apply(p, SemanticOperators) }

// Equivalent returns every equivalent rewrite of p.
func Equivalent(p *model.Policy) ([]Variant, error) { return apply(p, EquivalentOperators) }

func apply(p *model.Policy, ops []Operator) ([]Variant, error) {
	var out []Variant
	for _, op := range ops {
		for _, s := range op.sites(p) {
			c := p.Clone()
			s.edit(c)
			text := c.Marshal()
			q, err := model.Parse(text, p.Type)
			if err != nil {
				return nil, fmt.Errorf("mutate: %s at %s makes an invalid policy: %w\n%s", op.Name, s.path, err, text)
			}
			out = append(out, Variant{ID: op.Name + "@" + s.path, Operator: op.Name, Site: s.path, Description: s.desc,
				Targets: op.Targets, Policy: q})
		}
	}
	return out, nil
}

func stmtPath(i int) string { return fmt.Sprintf("Statement[%d]", i) }

// forStatements yields a site per statement that pass keep.
func forStatements(p *model.Policy, keep func(st *model.Statement) bool, mk func(i int, st *model.Statement) site) []site {
	var out []site
	for i := range p.Statements {
		if keep(&p.Statements[i]) {
			out = append(out, mk(i, &p.Statements[i]))
		}
	}
	return out
}

func isDeny(st *model.Statement) bool  { return st.Effect == "Deny" }
func isAllow(st *model.Statement) bool { return st.Effect == "Allow" }

func stmtName(st *model.Statement, i int) string {
	if st.Sid != "" {
		return st.Sid
	}
	return stmtPath(i)
}

// condSites yields a site per condition operator block that pass keep.
func condSites(p *model.Policy, keep func(st *model.Statement, op *model.ConditionOperator) bool, mk func(i, j int, st *model.Statement, op *model.ConditionOperator) site) []site {
	var out []site
	for i := range p.Statements {
		st := &p.Statements[i]
		for j := range st.Condition {
			if keep(st, &st.Condition[j]) {
				out = append(out, mk(i, j, st, &st.Condition[j]))
			}
		}
	}
	return out
}

// resourceSites yields a site per Resource/NotResource value that contains old.
func replaceInResources(p *model.Policy, old, new, desc string) []site {
	var out []site
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, elem := range []string{"Resource", "NotResource"} {
			l := st.Resource
			if elem == "NotResource" {
				l = st.NotResource
			}
			if l == nil {
				continue
			}
			for k, v := range l.Values {
				if !strings.Contains(v, old) {
					continue
				}
				nv := strings.Replace(v, old, new, 1)
				out = append(out, site{
					path: fmt.Sprintf("%s.%s[%d]", stmtPath(i), elem, k),
					desc: fmt.Sprintf("%s: %s %s → %s (%s)", stmtName(st, i), elem, v, nv, desc),
					edit: func(c *model.Policy) {
						cl := c.Statements[i].Resource
						if elem == "NotResource" {
							cl = c.Statements[i].NotResource
						}
						cl.Values[k] = nv
					},
				})
			}
		}
	}
	return out
}

// grantedActions lists the literal actions the policy's Allow statements grant,
// in document order, without duplicates.
func grantedActions(p *model.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for i := range p.Statements {
		st := &p.Statements[i]
		if !isAllow(st) || st.Action == nil {
			continue
		}
		for _, a := range st.Action.Values {
			if !strings.ContainsAny(a, "*?") && !seen[strings.ToLower(a)] {
				seen[strings.ToLower(a)] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// SemanticOperators are the edits that should break an invariant.
var SemanticOperators = []Operator{
	{Name: "ifexists-to-plain", Targets: []string{mfaGate},
		Doc: "BoolIfExists → Bool (any …IfExists operator loses IfExists): long-term access keys carry no MFA key, so an MFA deny no longer fires for them",
		sites: func(p *model.Policy) []site {
			return condSites(p, func(_ *model.Statement, op *model.ConditionOperator) bool {
				return strings.HasSuffix(op.Operator, "IfExists")
			},
				func(i, j int, st *model.Statement, op *model.ConditionOperator) site {
					plain := strings.TrimSuffix(op.Operator, "IfExists")
					return site{fmt.Sprintf("%s.Condition.%s", stmtPath(i), op.Operator), fmt.Sprintf("%s: %s → %s", stmtName(st, i), op.Operator, plain),
						func(c *model.Policy) { c.Statements[i].Condition[j].Operator = plain }}
				})
		}},
	{Name: "plain-to-ifexists", Targets: []string{mfaGate},
		Doc: "Bool → BoolIfExists (an operator gains IfExists): an Allow that required MFA now also allows long-term access keys",
		sites: func(p *model.Policy) []site {
			return condSites(p, func(_ *model.Statement, op *model.ConditionOperator) bool {
				return !strings.HasSuffix(op.Operator, "IfExists") && op.Operator != "Null" && !strings.Contains(op.Operator, ":")
			}, func(i, j int, st *model.Statement, op *model.ConditionOperator) site {
				return site{fmt.Sprintf("%s.Condition.%s", stmtPath(i), op.Operator), fmt.Sprintf("%s: %s → %sIfExists", stmtName(st, i), op.Operator, op.Operator),
					func(c *model.Policy) { c.Statements[i].Condition[j].Operator += "IfExists" }}
			})
		}},
	{Name: "flip-bool", Targets: []string{mfaGate, liveness},
		Doc: `"false" ↔ "true" in a Bool condition: the MFA deny fires for MFA sessions and not for anyone else`,
		sites: func(p *model.Policy) []site {
			return condSites(p, func(_ *model.Statement, op *model.ConditionOperator) bool {
				return strings.HasPrefix(op.Operator, "Bool")
			},
				func(i, j int, st *model.Statement, op *model.ConditionOperator) site {
					return site{fmt.Sprintf("%s.Condition.%s", stmtPath(i), op.Operator), fmt.Sprintf(`%s: %s values "true" ↔ "false"`, stmtName(st, i), op.Operator),
						func(c *model.Policy) {
							for k := range c.Statements[i].Condition[j].Keys {
								vals := c.Statements[i].Condition[j].Keys[k].Values
								for n := range vals {
									switch strings.ToLower(vals[n].Text) {
									case "true":
										vals[n].Text = "false"
									case "false":
										vals[n].Text = "true"
									}
								}
							}
						}}
				})
		}},
	{Name: "misspell-condition-key", Targets: []string{liveness},
		Doc: "aws:MultiFactorAuthPresent → aws:MultiFactorAuthPresnt: the key is never present, so BoolIfExists is always true and the deny always fires",
		sites: func(p *model.Policy) []site {
			var out []site
			for i := range p.Statements {
				st := &p.Statements[i]
				for j := range st.Condition {
					for k, ck := range st.Condition[j].Keys {
						if strings.EqualFold(ck.Key, "aws:MultiFactorAuthPresent") {
							out = append(out, site{fmt.Sprintf("%s.Condition.%s.%s", stmtPath(i), st.Condition[j].Operator, ck.Key),
								fmt.Sprintf("%s: %s → aws:MultiFactorAuthPresnt", stmtName(st, i), ck.Key),
								func(c *model.Policy) { c.Statements[i].Condition[j].Keys[k].Key = "aws:MultiFactorAuthPresnt" }})
						}
					}
				}
			}
			return out
		}},
	{Name: "drop-condition", Targets: []string{mfaGate, liveness},
		Doc: "the Condition is removed: an MFA deny then denies everyone, an MFA allow allows everyone",
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool { return len(st.Condition) > 0 }, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Condition", stmtName(st, i) + ": Condition removed",
					func(c *model.Policy) { c.Statements[i].Condition, c.Statements[i].HasCondition = nil, false }}
			})
		}},
	{Name: "drop-notaction-entry", Targets: []string{liveness},
		Doc: "an action is removed from the MFA deny's NotAction list: it is then denied without MFA",
		sites: func(p *model.Policy) []site {
			var out []site
			for i := range p.Statements {
				st := &p.Statements[i]
				if st.NotAction == nil || len(st.NotAction.Values) < 2 {
					continue
				}
				for k, a := range st.NotAction.Values {
					out = append(out, site{fmt.Sprintf("%s.NotAction[%d]", stmtPath(i), k), fmt.Sprintf("%s: %s removed from NotAction", stmtName(st, i), a),
						func(c *model.Policy) {
							l := c.Statements[i].NotAction
							l.Values = append(l.Values[:k:k], l.Values[k+1:]...)
						}})
				}
			}
			return out
		}},
	{Name: "add-notaction-entry", Targets: []string{mfaGate},
		Doc: "an action the policy grants is added to the MFA deny's NotAction list: it becomes usable without MFA",
		sites: func(p *model.Policy) []site {
			var out []site
			granted := grantedActions(p)
			for i := range p.Statements {
				st := &p.Statements[i]
				if !isDeny(st) || st.NotAction == nil {
					continue
				}
				for _, a := range granted {
					if containsFold(st.NotAction.Values, a) {
						continue
					}
					out = append(out, site{fmt.Sprintf("%s.NotAction+%s", stmtPath(i), a), fmt.Sprintf("%s: %s added to NotAction", stmtName(st, i), a),
						func(c *model.Policy) {
							l := c.Statements[i].NotAction
							l.Values = append(l.Values, a)
							l.Single = false
						}})
				}
			}
			return out
		}},
	{Name: "notaction-to-action", Targets: []string{mfaGate},
		Doc: "the MFA deny's NotAction becomes Action: it denies only the bootstrap actions and nothing else",
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool { return isDeny(st) && st.NotAction != nil }, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".NotAction", stmtName(st, i) + ": NotAction → Action",
					func(c *model.Policy) {
						c.Statements[i].Action, c.Statements[i].NotAction = c.Statements[i].NotAction, nil
					}}
			})
		}},
	{Name: "narrow-deny-resource", Targets: []string{mfaGate},
		Doc: `the MFA deny's Resource "*" becomes the user's own ARN: actions on anything else escape the gate`,
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool {
				return isDeny(st) && st.Resource != nil && len(st.Resource.Values) == 1 && st.Resource.Values[0] == "*"
			}, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Resource", stmtName(st, i) + `: Resource "*" → arn:aws:iam::*:user/${aws:username}`,
					func(c *model.Policy) { c.Statements[i].Resource.Values[0] = "arn:aws:iam::*:user/${aws:username}" }}
			})
		}},
	{Name: "deny-to-allow", Targets: []string{mfaGate},
		Doc: "Effect Deny → Allow: the MFA deny becomes an allow of everything else without MFA",
		sites: func(p *model.Policy) []site {
			return forStatements(p, isDeny, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Effect", stmtName(st, i) + ": Deny → Allow", func(c *model.Policy) { c.Statements[i].Effect = "Allow" }}
			})
		}},
	{Name: "allow-to-deny", Targets: []string{liveness},
		Doc: "Effect Allow → Deny: what the statement granted is now denied",
		sites: func(p *model.Policy) []site {
			return forStatements(p, isAllow, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Effect", stmtName(st, i) + ": Allow → Deny", func(c *model.Policy) { c.Statements[i].Effect = "Deny" }}
			})
		}},
	{Name: "drop-statement", Targets: []string{mfaGate, liveness},
		Doc: "a statement is removed (seed 001 has no MFA deny at all)",
		sites: func(p *model.Policy) []site {
			if len(p.Statements) < 2 {
				return nil
			}
			return forStatements(p, func(*model.Statement) bool { return true }, func(i int, st *model.Statement) site {
				return site{stmtPath(i), stmtName(st, i) + " removed", func(c *model.Policy) {
					c.Statements = append(c.Statements[:i:i], c.Statements[i+1:]...)
				}}
			})
		}},
	{Name: "drop-action-entry", Targets: []string{liveness},
		Doc: "an action is removed from an Allow statement: users can no longer do it",
		sites: func(p *model.Policy) []site {
			var out []site
			for i := range p.Statements {
				st := &p.Statements[i]
				if !isAllow(st) || st.Action == nil || len(st.Action.Values) < 2 {
					continue
				}
				for k, a := range st.Action.Values {
					out = append(out, site{fmt.Sprintf("%s.Action[%d]", stmtPath(i), k), fmt.Sprintf("%s: %s removed", stmtName(st, i), a),
						func(c *model.Policy) {
							l := c.Statements[i].Action
							l.Values = append(l.Values[:k:k], l.Values[k+1:]...)
						}})
				}
			}
			return out
		}},
	{Name: "widen-action", Targets: []string{ownerOnly, mfaGate},
		Doc: "an Allow statement's actions become service:* (e.g. iam:*)",
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool {
				return isAllow(st) && st.Action != nil && strings.Contains(st.Action.Values[0], ":")
			}, func(i int, st *model.Statement) site {
				svc, _, _ := strings.Cut(st.Action.Values[0], ":")
				return site{stmtPath(i) + ".Action", fmt.Sprintf("%s: Action → %s:*", stmtName(st, i), svc),
					func(c *model.Policy) {
						c.Statements[i].Action = &model.StringList{Values: []string{svc + ":*"}, Single: true}
					}}
			})
		}},
	{Name: "widen-resource", Targets: []string{ownerOnly},
		Doc: `an Allow statement's Resource becomes "*": everyone's users and devices`,
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool {
				return isAllow(st) && st.Resource != nil && !(len(st.Resource.Values) == 1 && st.Resource.Values[0] == "*")
			}, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Resource", stmtName(st, i) + `: Resource → "*"`,
					func(c *model.Policy) {
						c.Statements[i].Resource = &model.StringList{Values: []string{"*"}, Single: true}
					}}
			})
		}},
	{Name: "username-to-star", Targets: []string{ownerOnly},
		Doc: "user/${aws:username} → user/*: every user's credentials",
		sites: func(p *model.Policy) []site {
			return replaceInResources(p, "${aws:username}", "*", "any user")
		}},
	{Name: "username-suffix-star", Targets: []string{ownerOnly},
		Doc: "user/${aws:username} → user/${aws:username}*: alice reaches alice2",
		sites: func(p *model.Policy) []site {
			return replaceInResources(p, "${aws:username}", "${aws:username}*", "alice reaches alice2")
		}},
	{Name: "username-prefix-star", Targets: []string{ownerOnly},
		Doc: "user/${aws:username} → user/*${aws:username}: alice reaches malice (and pathed users, by design)",
		sites: func(p *model.Policy) []site {
			return replaceInResources(p, "${aws:username}", "*${aws:username}", "alice reaches malice")
		}},
}
