package properties

import (
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
	"github.com/iamfuzz/iamfuzz/internal/hugeheap"
)

// The AWS action catalogue, loaded once per process (about 20 ms).
var (
	catOnce    sync.Once
	catData    *catalog.Catalog
	catActions []*catalog.Action // every action, sorted
	catIAM     []*catalog.Action // the iam service's actions
	// catActionNames and catIAMNames are the full names of catActions and
	// catIAM, index for index: the generators draw names without building them.
	catActionNames, catIAMNames []string
	// catByName finds an action by its canonical full name without folding case,
	// which is how the generators spell most actions; other spellings fall back
	// to the catalogue's case-insensitive search.
	catByName map[string]*catalog.Action
)

func loadCatalog() {
	catOnce.Do(func() {
		// The catalogue and the first proof grow the heap by tens of megabytes,
		// once per process: on huge pages their first touches cost a fraction
		// (internal/hugeheap; docs/performance.md, "check and the proof engine,
		// fifth pass").
		hugeheap.Prepare(hugeheap.ProofHeap)
		catData = catalog.MustLoad()
		catActions = catData.Actions()
		if s, ok := catData.Service("iam"); ok {
			catIAM = s.Actions
		}
		catByName = make(map[string]*catalog.Action, len(catActions))
		catActionNames = make([]string, len(catActions))
		for i, a := range catActions {
			catActionNames[i] = a.FullName()
			catByName[catActionNames[i]] = a
		}
		catIAMNames = make([]string, len(catIAM))
		for i, a := range catIAM {
			catIAMNames[i] = a.FullName()
		}
	})
}

// lookupAction returns the catalogue entry of an action name, case-insensitively.
func lookupAction(name string) (*catalog.Action, bool) {
	loadCatalog()
	if a, ok := catByName[name]; ok {
		return a, true
	}
	return catData.Action(name)
}

// isPattern reports whether an action entry has IAM wildcards.
func isPattern(a string) bool { return strings.ContainsAny(a, "*?") }

// globFold matches IAM action wildcards (* any run, ? one character),
// ASCII-case-insensitively, as IAM matches actions (docs/semantics.md §4.1).
func globFold(pattern, s string) bool { return glob(pattern, s, true) }

// globARN matches an ARN pattern (* any run, ? one character) case-sensitively,
// as IAM matches resources (docs/semantics.md §4.2).
func globARN(pattern, s string) bool { return glob(pattern, s, false) }

// glob is the one greedy-with-backtrack wildcard matcher behind globFold and globARN. The
// properties package matches patterns once per drawn value, so it compiles nothing; the
// model's matcher, which takes precompiled patterns, is the one the decision uses.
func glob(pattern, s string, fold bool) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i] || fold && foldEq(pattern[p], s[i])):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func foldEq(a, b byte) bool {
	if a == b {
		return true
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// expandAction returns the canonical names of the catalogue actions an action
// entry (a name or a pattern) stands for; an unknown name gives none.
func expandAction(entry string) []string {
	loadCatalog()
	if !isPattern(entry) {
		if a, ok := catData.Action(entry); ok {
			return []string{a.FullName()}
		}
		return nil
	}
	pool := catActions
	if prefix, _, ok := strings.Cut(entry, ":"); ok && !isPattern(prefix) {
		s, found := catData.Service(prefix)
		if !found {
			return nil
		}
		pool = s.Actions
	}
	var out []string
	for _, a := range pool {
		if n := a.FullName(); globFold(entry, n) {
			out = append(out, n)
		}
	}
	return out
}

// matchesAny reports whether action matches one of the entries (names or
// patterns), case-insensitively.
func matchesAny(entries []string, action string) bool {
	for _, e := range entries {
		if globFold(e, action) {
			return true
		}
	}
	return false
}
