package model

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
)

// Compiled is a policy prepared for deciding: actions lower-cased, patterns
// pre-split into code units, condition operators resolved and their values parsed.
// It is immutable and safe to share between goroutines.
type Compiled struct {
	// Policy is the policy compiled. It must not change: a PolicyCache's
	// compiled policies read their statements when a decision first needs them.
	Policy    *Policy
	stmts     []cstmt
	actions   actionIndex
	notAction []uint64   // bitset of the statements with NotAction
	src       stmtSource // what a lazily compiled policy's statements are compiled with
}

// actionIndex finds, for a request's action, the statements whose Action (or
// NotAction) list names it, without scanning every list: exact names are hashed,
// patterns are grouped by the service they name (docs/semantics.md §4.1).
type actionIndex struct {
	all     []int32      // statements listing "*"
	table   []exactEntry // lower-cased action → statements, open-addressed by hashAction; nil when empty
	ids     []int32      // while compiling: the block the table's statement lists are carved from
	service map[string][]actionGlob
	other   []actionGlob // patterns with a wildcard in the service prefix
}

// exactEntry is one slot of actionIndex.table; key "" marks an empty slot.
type exactEntry struct {
	h     uint64
	key   string
	stmts []int32
}

// actionSeed seeds hashAction: a request hashes its action once, when it is
// prepared, and every policy's table is probed with that hash.
var actionSeed = maphash.MakeSeed()

func hashAction(lower string) uint64 { return maphash.String(actionSeed, lower) }

// sizeExact makes the table for n exact names (Compile counts them first): a
// power of two at least twice n, probed linearly. Names are put straight into
// it and each name's statements carved from one block: a map while compiling,
// and a statement list per name, were a tenth of what eval allocated on
// policies that do not repeat.
func (x *actionIndex) sizeExact(n int) {
	if n == 0 {
		return
	}
	x.table = make([]exactEntry, 1<<bits.Len(uint(2*n-1)))
	x.ids = make([]int32, 0, n)
}

// addExact lists statement i under the lower-cased action a.
func (x *actionIndex) addExact(a string, i int32) {
	h := hashAction(a)
	mask := uint64(len(x.table) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		en := &x.table[j]
		if en.key == "" {
			n := len(x.ids)
			x.ids = append(x.ids, i)
			*en = exactEntry{h: h, key: a, stmts: x.ids[n : n+1 : n+1]}
			return
		}
		if en.h == h && en.key == a {
			// A statement may list an action twice (in two cases): mark it once.
			if en.stmts[len(en.stmts)-1] != i {
				en.stmts = append(en.stmts, i)
			}
			return
		}
	}
}

// lookupExact returns the statements that list the action exactly.
func (x *actionIndex) lookupExact(lower string, h uint64) []int32 {
	mask := uint64(len(x.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		en := &x.table[i]
		if en.key == "" {
			return nil
		}
		if en.h == h && en.key == lower {
			return en.stmts
		}
	}
}

type actionGlob struct {
	stmt int32
	pat  *pattern
}

type cstmt struct {
	index     int
	sid       string
	deny      bool
	notAction bool
	actAll    bool
	actExact  []string // lower-cased literal actions
	actGlobs  []pattern
	notRes    bool
	resources []pattern
	principal *cprincipal // resource-based policies only
	notPrin   bool
	conds     []compiledCond
	undef     Undef // raised whenever the statement's conditions are evaluated
	roleRes   bool  // a trust policy statement: no Resource, the role is the resource

	// src is the statement compiled. resources are compiled once ready is
	// stmtResources, principal, notPrin, conds and undef once it is
	// stmtComplete: by compile, or, when lazy is set, by fill (lazystmt.go).
	src   *Statement
	lazy  *stmtSource
	ready atomic.Uint32
}

// cprincipal is a compiled Principal block.
type cprincipal struct {
	all      bool
	arns     []string
	accounts []string
	ids      []string // unique IDs of users and roles (isPrincipalID)
}

// Compile prepares a parsed, valid policy for deciding.
func Compile(p *Policy) *Compiled { return compile(p, nil, false) }

// compile is Compile with a memo of compiled patterns (nil for none). With
// lazy set, each statement's resources, Principal and conditions are compiled
// when a decision first reaches them (lazystmt.go); p must not change after.
func compile(p *Policy, memo *patternMemo, lazy bool) *Compiled {
	vars := p.Version == "2012-10-17"
	c := &Compiled{Policy: p, stmts: make([]cstmt, len(p.Statements)), notAction: make([]uint64, (len(p.Statements)+63)/64)}
	if lazy {
		c.src = stmtSource{vars: vars, memo: memo}
	}
	// Every statement's action names, patterns and conditions are carved from
	// one block each, sized here: three to five blocks a statement were a
	// fifth of Compile's allocations on policies that do not repeat
	// (docs/performance.md "eval, sixth pass").
	// Each statement's sizes are counted once (most policies have a few
	// statements: no allocation for them).
	var sizesBuf [16]stmtSizes
	sizes := sizesBuf[:0]
	if len(p.Statements) > len(sizesBuf) {
		sizes = make([]stmtSizes, 0, len(p.Statements))
	}
	exact, npats, nconds := 0, 0, 0
	for i := range p.Statements {
		n := p.Statements[i].blockSizes()
		sizes = append(sizes, n)
		exact += n.exacts
		npats += n.globs
		if !lazy {
			npats += n.resources
			nconds += n.conds
		}
	}
	c.actions.sizeExact(exact)
	exactBlock := make([]string, exact)
	patBlock := make([]pattern, npats)
	condBlock := make([]compiledCond, nconds)
	for i := range p.Statements {
		st := &p.Statements[i]
		cs := &c.stmts[i]
		cs.index, cs.sid, cs.deny, cs.src = i, st.Sid, st.Effect == "Deny", st
		acts := st.Action
		if acts == nil {
			acts, cs.notAction = st.NotAction, true
			c.notAction[i/64] |= 1 << (i % 64)
		}
		// The slices are sized up front: a pattern is ~130 bytes, and growing
		// them by appending was a sixth of what eval allocated on policies that
		// do not repeat. Each is a full slice expression of its block, so
		// appending cannot run into the next statement's part.
		n := sizes[i]
		cs.actGlobs, patBlock = patBlock[:0:n.globs], patBlock[n.globs:]
		cs.actExact, exactBlock = exactBlock[:0:n.exacts], exactBlock[n.exacts:]
		for _, a := range acts.Values {
			switch {
			case a == "*":
				cs.actAll = true
			case hasWildcard(a):
				cs.actGlobs = append(cs.actGlobs, memo.compile(a, patAction, false))
			default:
				cs.actExact = append(cs.actExact, lowerName(a))
			}
		}
		c.actions.add(cs, int32(i))
		_, cs.notRes, cs.roleRes = resourceValues(st)
		if lazy {
			cs.lazy = &c.src
			continue
		}
		cs.resources, patBlock = patBlock[:0:n.resources], patBlock[n.resources:]
		cs.compileResources(vars, memo)
		cs.conds, condBlock = condBlock[:0:n.conds], condBlock[n.conds:]
		cs.compileRest(vars, memo)
		cs.ready.Store(stmtComplete)
	}
	c.actions.ids = nil
	return c
}

// stmtSizes is how much of each of Compile's blocks a statement takes: its
// action patterns and exact names, its resource patterns (one, the role, for a
// trust policy statement) and its conditions.
type stmtSizes struct{ globs, exacts, resources, conds int }

func (st *Statement) blockSizes() (n stmtSizes) {
	acts := st.Action
	if acts == nil {
		acts = st.NotAction
	}
	if acts != nil {
		for _, a := range acts.Values {
			switch {
			case a == "*":
			case hasWildcard(a):
				n.globs++
			default:
				n.exacts++
			}
		}
	}
	switch {
	case st.Resource != nil:
		n.resources = len(st.Resource.Values)
	case st.NotResource != nil:
		n.resources = len(st.NotResource.Values)
	default:
		n.resources = 1
	}
	for _, co := range st.Condition {
		n.conds += len(co.Keys)
	}
	return n
}

func (x *actionIndex) add(cs *cstmt, i int32) {
	if cs.actAll {
		x.all = append(x.all, i)
	}
	for _, a := range cs.actExact {
		x.addExact(a, i)
	}
	for k := range cs.actGlobs {
		g := actionGlob{stmt: i, pat: &cs.actGlobs[k]}
		svc, _, ok := strings.Cut(g.pat.text, ":")
		if !ok || hasWildcard(svc) {
			x.other = append(x.other, g)
			continue
		}
		if x.service == nil {
			x.service = make(map[string][]actionGlob)
		}
		svc = strings.ToLower(svc)
		x.service[svc] = append(x.service[svc], g)
	}
}

// markActions sets bit i of marks for every statement i whose action list matches
// the request's action (lower is the action lower-cased, svc its service prefix).
func (e *Evaluator) markActions(x *actionIndex, r *Request, marks []uint64) {
	lower, svc := r.lowerAction, r.lowerService
	for _, i := range x.all {
		marks[i/64] |= 1 << (i % 64)
	}
	if x.table != nil {
		for _, i := range x.lookupExact(lower, r.actionHash) {
			u := uint32(i) // unsigned: a shift and a mask, no signed division
			marks[u/64] |= 1 << (u % 64)
		}
	}
	if x.service != nil {
		for _, g := range x.service[svc] {
			if marks[g.stmt/64]&(1<<(g.stmt%64)) == 0 && e.matchPattern(g.pat, lower, nil, true) {
				marks[g.stmt/64] |= 1 << (g.stmt % 64)
			}
		}
	}
	for _, g := range x.other {
		if marks[g.stmt/64]&(1<<(g.stmt%64)) == 0 && e.matchPattern(g.pat, lower, nil, true) {
			marks[g.stmt/64] |= 1 << (g.stmt % 64)
		}
	}
}

// CompileText parses, validates and compiles a policy document.
func CompileText(data []byte, typ PolicyType) (*Compiled, error) {
	p, err := Parse(data, typ)
	if err != nil {
		return nil, err
	}
	return Compile(p), nil
}

func compilePrincipal(b *PrincipalBlock) *cprincipal {
	cp := &cprincipal{all: b.Wildcard}
	for _, e := range b.Entries {
		if e.Type != "AWS" {
			continue // service, federated and canonical principals never match the callers iamfuzz models
		}
		for _, v := range e.Values.Values {
			switch {
			case v == "*":
				cp.all = true
			case IsAccountID(v):
				cp.accounts = append(cp.accounts, v)
			case strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":root") && strings.Count(v, ":") == 5:
				cp.accounts = append(cp.accounts, strings.Split(v, ":")[4])
			case isPrincipalID(v):
				cp.ids = append(cp.ids, v)
			default:
				cp.arns = append(cp.arns, v)
			}
		}
	}
	return cp
}

// How a resource-based policy's Principal names the caller (docs/semantics.md §3.3).
const (
	pmNone    = iota
	pmAccount // the caller's account: the account must still grant through identity policies
	pmEntity  // the role behind a session: capped by the session's boundary
	pmDirect  // the caller's own ARN, or "*": a same-account grant on its own
)

func (cp *cprincipal) match(r *Request) int {
	if cp.all {
		return pmDirect
	}
	best := pmNone
	if len(cp.ids) > 0 {
		switch user, role := r.principalIDs(); {
		case user != "" && slices.Contains(cp.ids, user):
			return pmDirect
		case role != "" && slices.Contains(cp.ids, role):
			best = pmEntity
		}
	}
	for _, a := range cp.arns {
		switch {
		case a != "" && a == r.roleARN():
			// A grant to the role is the role's, also when the caller is given as
			// the role ARN: the boundary caps it (docs/semantics.md §3.3, T55).
			best = max(best, pmEntity)
		case a == r.Principal:
			return pmDirect
		}
	}
	for _, a := range cp.accounts {
		if a == r.account {
			best = max(best, pmAccount)
		}
	}
	return best
}

// exempts reports whether a NotPrincipal element leaves the caller out
// (docs/semantics.md §4.4 [NPRIN]). AWS's examples list the caller's own ARN
// with its account (and, for a role session, its role) and deny "all
// principals except" that caller: naming the account or the role exempts the
// account root or the role, not every principal under them. A caller listed
// without its account or role is one AWS says might still be denied; unsure
// reports it (§13, notprincipal-without-parent).
func (cp *cprincipal) exempts(r *Request) (exempt, unsure bool) {
	if cp.all {
		return true, false
	}
	account := slices.Contains(cp.accounts, r.account)
	if r.ptype == PrincipalRoot {
		return account, false
	}
	user, roleID := "", ""
	if len(cp.ids) > 0 {
		user, roleID = r.principalIDs()
	}
	if !slices.Contains(cp.arns, r.Principal) && (user == "" || !slices.Contains(cp.ids, user)) {
		return false, false
	}
	role := r.roleARN()
	roleListed := slices.Contains(cp.arns, role) || roleID != "" && slices.Contains(cp.ids, roleID)
	return true, !account || role != "" && role != r.Principal && !roleListed
}

// isPrincipalID reports a unique ID of an IAM user (AIDA…) or role (AROA…) as a
// Principal element may hold it: IAM stores the users and roles a Principal
// names as these IDs, and Access Analyzer accepts a policy that names one, with
// a warning to name the ARN (docs/semantics.md §4.4).
func isPrincipalID(v string) bool {
	if len(v) < 16 || len(v) > 128 || !strings.HasPrefix(v, UserIDPrefix) && !strings.HasPrefix(v, RoleIDPrefix) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// matchAction matches one statement's action list and names the entry that
// matched; Explain's trace uses it (Decide uses the policy's actionIndex).
func (e *Evaluator) matchAction(st *cstmt, action string) (bool, string) {
	if st.actAll {
		return true, "*"
	}
	for _, a := range st.actExact {
		if plantedBug && st.deny {
			// The planted bug (build tag iamfuzz_plant only): Deny statements
			// compare actions case-sensitively.
			if a == action {
				return true, a
			}
			continue
		}
		if len(a) == len(action) && equalFoldASCII(a, action) {
			return true, a
		}
	}
	for i := range st.actGlobs {
		if e.matchPattern(&st.actGlobs[i], action, nil, true) {
			return true, st.actGlobs[i].text
		}
	}
	return false, ""
}

// Bundle is the set of policies that decide a request: identity policies, at most
// one permissions boundary, SCP levels (root first), resource-based policies, RCP
// levels of the resource's account (root first), and the session policy of a role
// or federated user session.
type Bundle struct {
	Identity []*Compiled
	Boundary *Compiled
	SCP      [][]*Compiled
	Resource []*Compiled
	RCP      [][]*Compiled
	// Session caps the identity grants of a session principal (an assumed role or
	// a federated user); it does not apply to IAM users or the root user.
	Session *Compiled
}
