package model

import "sync"

// A PolicyCache compiles a statement's resources, Principal and conditions
// when a decision first reaches them: a request's action picks the statements
// a decision visits, and on cases whose policies do not repeat it reached the
// resources of 40 % of the statements and the conditions of 17 %, so
// compiling the rest was wasted (docs/performance.md, "eval, ninth pass").
// Compile compiles everything at once. TestCacheCompileAgrees and
// TestCacheDecideAgrees hold the two to each other.

// How far a statement is compiled (cstmt.ready).
const (
	stmtResources uint32 = 1 + iota // its resources
	stmtComplete                    // and its Principal and conditions
)

// stmtSource is what a lazily compiled policy's statements are compiled with.
// mu serializes their compilation: the policy may be shared by goroutines.
type stmtSource struct {
	mu   sync.Mutex
	vars bool
	memo *patternMemo
}

// need compiles the statement up to level unless it is already.
func (cs *cstmt) need(level uint32) {
	if cs.ready.Load() < level {
		cs.fill(level)
	}
}

// fill compiles the statement up to level. The fields it writes are read only
// after ready says they are written (need), so readers take no lock.
func (cs *cstmt) fill(level uint32) {
	s := cs.lazy
	s.mu.Lock()
	defer s.mu.Unlock()
	r := cs.ready.Load()
	if r < stmtResources {
		cs.compileResources(s.vars, s.memo)
	}
	if level >= stmtComplete && r < stmtComplete {
		cs.compileRest(s.vars, s.memo)
	}
	if level > r {
		cs.ready.Store(level)
	}
}

// roleResource is the resource list of a trust policy statement (the role).
var roleResource = []string{"*"}

// resourceValues returns a statement's Resource or NotResource list (notRes),
// or the role's for a trust policy statement (roleRes).
func resourceValues(st *Statement) (vals []string, notRes, roleRes bool) {
	switch {
	case st.Resource != nil:
		return st.Resource.Values, false, false
	case st.NotResource != nil:
		return st.NotResource.Values, true, false
	}
	return roleResource, false, true
}

// compileResources compiles the statement's resource patterns into
// cs.resources (sized by compile, or made here).
func (cs *cstmt) compileResources(vars bool, memo *patternMemo) {
	vals, _, _ := resourceValues(cs.src)
	if cs.resources == nil {
		cs.resources = make([]pattern, 0, len(vals))
	}
	for _, r := range vals {
		cs.resources = append(cs.resources, memo.compile(r, patResource, vars))
	}
}

// compileRest compiles the statement's Principal and conditions into
// cs.conds (sized by compile, or made here).
func (cs *cstmt) compileRest(vars bool, memo *patternMemo) {
	st := cs.src
	pb := st.Principal
	if pb == nil && st.NotPrincipal != nil {
		pb, cs.notPrin = st.NotPrincipal, true
	}
	if pb != nil {
		cs.principal = compilePrincipal(pb)
	}
	if st.HasCondition && len(st.Condition) == 0 {
		// "Condition": {} — AWS does not say whether it is "no condition".
		cs.undef |= UndefEmptyCondition
	}
	if cs.conds == nil {
		n := 0
		for _, co := range st.Condition {
			n += len(co.Keys)
		}
		cs.conds = make([]compiledCond, 0, n)
	}
	for _, co := range st.Condition {
		if len(co.Keys) == 0 {
			cs.undef |= UndefEmptyCondition // an operator without keys
		}
		op, _, _ := parseOperator(co.Operator)
		for _, k := range co.Keys {
			cs.conds = append(cs.conds, compileCondition(co.Operator, op, k, vars && op.substitutes(), memo))
		}
	}
}
