package partition

import "strconv"

// The action grouping of a problem is the same whenever its statements' action
// patterns and its action lists are: mutants that change a condition or a
// resource, a policy checked again, or Prove's early requests that look up a
// finding's group (ActionGroups) reuse it instead of walking the 22k catalogue
// actions again (issue 10: time to the first counterexample).

// maxCachedGroupings bounds an index's grouping cache: a grouping holds every
// catalogue action's name once and its groups' templates (about 1 MB), and a
// run over many different policies would gain nothing from keeping them all.
const maxCachedGroupings = 16

// groupingKey identifies what groups reads: each statement's place, whether it
// is a NotAction, and its patterns as written, then the action lists' patterns
// in order (the rank of named actions follows that order). Lengths prefix
// every string, so no two problems share a key.
func groupingKey(stmts []stmt, lists []ActionList) string {
	b := make([]byte, 0, 256)
	str := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for i := range stmts {
		s := &stmts[i]
		b = append(b, 's')
		b = strconv.AppendInt(b, int64(s.policy), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(s.index), 10)
		if s.notAction {
			b = append(b, '!')
		}
		b = strconv.AppendInt(b, int64(len(s.actions)), 10)
		b = append(b, '[')
		for _, a := range s.actions {
			str(a)
		}
	}
	for _, l := range lists {
		b = append(b, 'l')
		b = strconv.AppendInt(b, int64(len(l.Patterns)), 10)
		b = append(b, '[')
		for _, p := range l.Patterns {
			str(p)
		}
	}
	return string(b)
}

// grouping returns a cached grouping. Its groups are shared: nobody modifies a
// Group after groups made it.
func (x *actionIndex) grouping(key string) ([]*Group, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	gs, ok := x.groupings[key]
	return gs, ok
}

func (x *actionIndex) keepGrouping(key string, gs []*Group) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.groupings == nil || len(x.groupings) >= maxCachedGroupings {
		x.groupings = map[string][]*Group{}
	}
	x.groupings[key] = gs
}

// ActionGroups returns the action groups of a problem, as Enumerate makes them
// (Coverage.GroupList), without enumerating any class: a caller that found a
// violation by other means can say which actions get the same answer. The
// groups are shared and must not be modified.
func ActionGroups(p *Problem) []*Group {
	e := &enumerator{p: p, cov: &Coverage{Keys: map[string]int{}}}
	for i, pol := range p.Policies {
		e.stmts = append(e.stmts, readPolicy(i, pol)...)
	}
	return e.groups()
}
