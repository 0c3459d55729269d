package mutate

import (
	"fmt"
	"strings"

	"github.com/iamfuzz/iamfuzz/model"
)

// EquivalentOperators are rewrites that must not change any decision.
var EquivalentOperators = []Operator{
	{Name: "reverse-statements",
		Doc: "the statements in reverse order: evaluation does not depend on order",
		sites: func(p *model.Policy) []site {
			if len(p.Statements) < 2 {
				return nil
			}
			return []site{{"Statement", "statements reversed", func(c *model.Policy) {
				for i, j := 0, len(c.Statements)-1; i < j; i, j = i+1, j-1 {
					c.Statements[i], c.Statements[j] = c.Statements[j], c.Statements[i]
				}
			}}}
		}},
	{Name: "rotate-statements",
		Doc: "the first statement moved to the end",
		sites: func(p *model.Policy) []site {
			if len(p.Statements) < 2 {
				return nil
			}
			return []site{{"Statement", "first statement moved last", func(c *model.Policy) {
				c.Statements = append(c.Statements[1:], c.Statements[0])
			}}}
		}},
	{Name: "split-per-action",
		Doc: "a statement with several actions becomes one statement per action (not for NotAction, whose meaning is the complement of the whole list)",
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool { return st.Action != nil && len(st.Action.Values) > 1 }, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Action", fmt.Sprintf("%s split into %d statements, one per action", stmtName(st, i), len(st.Action.Values)),
					func(c *model.Policy) {
						splitStatement(c, i, func(s *model.Statement) *model.StringList { return s.Action })
					}}
			})
		}},
	{Name: "split-per-resource",
		Doc: "a statement with several resources becomes one statement per resource (not for NotResource)",
		sites: func(p *model.Policy) []site {
			return forStatements(p, func(st *model.Statement) bool { return st.Resource != nil && len(st.Resource.Values) > 1 }, func(i int, st *model.Statement) site {
				return site{stmtPath(i) + ".Resource", fmt.Sprintf("%s split into %d statements, one per resource", stmtName(st, i), len(st.Resource.Values)),
					func(c *model.Policy) {
						splitStatement(c, i, func(s *model.Statement) *model.StringList { return s.Resource })
					}}
			})
		}},
	{Name: "toggle-string-list",
		Doc: `every one-element list written as a bare string and every bare string as a list ("x" ↔ ["x"]), condition values and a lone Statement object included`,
		sites: func(p *model.Policy) []site {
			return []site{{"*", "every single value toggled between string and list", func(c *model.Policy) {
				if len(c.Statements) == 1 {
					c.StatementSingle = !c.StatementSingle
				}
				for i := range c.Statements {
					st := &c.Statements[i]
					for _, l := range []*model.StringList{st.Action, st.NotAction, st.Resource, st.NotResource} {
						if l != nil && len(l.Values) == 1 {
							l.Single = !l.Single
						}
					}
					for j := range st.Condition {
						for k := range st.Condition[j].Keys {
							if ck := &st.Condition[j].Keys[k]; len(ck.Values) == 1 {
								ck.Single = !ck.Single
							}
						}
					}
				}
			}}}
		}},
	{Name: "action-case",
		Doc: "every action respelled IAM:actionname: IAM matches actions case-insensitively",
		sites: func(p *model.Policy) []site {
			return []site{{"*.Action", "every action respelled in another case", func(c *model.Policy) {
				for i := range c.Statements {
					for _, l := range []*model.StringList{c.Statements[i].Action, c.Statements[i].NotAction} {
						if l == nil {
							continue
						}
						for k, a := range l.Values {
							svc, name, ok := strings.Cut(a, ":")
							if !ok { // "*" has no service to respell
								continue
							}
							l.Values[k] = strings.ToUpper(svc) + ":" + strings.ToLower(name)
						}
					}
				}
			}}}
		}},
	{Name: "rename-sids",
		Doc: "every Sid renamed (Sids have no effect on evaluation)",
		sites: func(p *model.Policy) []site {
			return []site{{"*.Sid", "every Sid renamed", func(c *model.Policy) {
				for i := range c.Statements {
					c.Statements[i].Sid, c.Statements[i].HasSid = fmt.Sprintf("Renamed%d", i), true
				}
			}}}
		}},
	{Name: "drop-sids",
		Doc: "every Sid removed",
		sites: func(p *model.Policy) []site {
			return []site{{"*.Sid", "every Sid removed", func(c *model.Policy) {
				for i := range c.Statements {
					c.Statements[i].Sid, c.Statements[i].HasSid = "", false
				}
			}}}
		}},
	{Name: "condition-key-case",
		Doc: "every condition key lower-cased: keys are case-insensitive",
		sites: func(p *model.Policy) []site {
			return []site{{"*.Condition", "every condition key lower-cased", func(c *model.Policy) {
				for i := range c.Statements {
					for j := range c.Statements[i].Condition {
						for k := range c.Statements[i].Condition[j].Keys {
							ck := &c.Statements[i].Condition[j].Keys[k]
							ck.Key = strings.ToLower(ck.Key)
						}
					}
				}
			}}}
		}},
	{Name: "bool-as-json",
		Doc: `"true"/"false" in Bool conditions written as JSON booleans: IAM reads them the same`,
		sites: func(p *model.Policy) []site {
			return condSites(p, func(_ *model.Statement, op *model.ConditionOperator) bool {
				return strings.HasPrefix(op.Operator, "Bool")
			},
				func(i, j int, st *model.Statement, op *model.ConditionOperator) site {
					return site{fmt.Sprintf("%s.Condition.%s", stmtPath(i), op.Operator), stmtName(st, i) + ": Bool values as JSON booleans",
						func(c *model.Policy) {
							for k := range c.Statements[i].Condition[j].Keys {
								vals := c.Statements[i].Condition[j].Keys[k].Values
								for n := range vals {
									if t := strings.ToLower(vals[n].Text); t == "true" || t == "false" {
										vals[n] = model.Value{Text: t, Kind: model.KindBool}
									}
								}
							}
						}}
				})
		}},
	{Name: "duplicate-action",
		Doc: "the first entry of every Action and NotAction list repeated",
		sites: func(p *model.Policy) []site {
			return []site{{"*.Action", "first action of every list repeated", func(c *model.Policy) {
				for i := range c.Statements {
					for _, l := range []*model.StringList{c.Statements[i].Action, c.Statements[i].NotAction} {
						if l != nil {
							l.Values = append(l.Values, l.Values[0])
							l.Single = false
						}
					}
				}
			}}}
		}},
}

// splitStatement replaces statement i by one statement per value of the list
// that elem selects. Sids get a suffix so that they stay unique.
func splitStatement(c *model.Policy, i int, elem func(*model.Statement) *model.StringList) {
	orig := c.Statements[i]
	var parts []model.Statement
	for k, v := range elem(&orig).Values {
		s := orig.Clone()
		l := elem(&s)
		l.Values, l.Single = []string{v}, true
		if s.Sid != "" {
			s.Sid = fmt.Sprintf("%sPart%d", s.Sid, k)
		}
		parts = append(parts, s)
	}
	rest := append([]model.Statement(nil), c.Statements[i+1:]...)
	c.Statements = append(append(c.Statements[:i], parts...), rest...)
}
