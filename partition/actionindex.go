package partition

import (
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus/catalog"
)

// actionIndex is what groups needs of a catalogue, built once per process
// rather than once per policy (issue 10: the time to the first counterexample
// went to scanning the 22k actions per policy): the actions' full and
// lower-case names, and, per action pattern, the set of actions it matches.
// A catalogue is never modified after loading, so the index stays valid.
type actionIndex struct {
	acts  []*catalog.Action
	names []string // FullName, as groups reports it
	// bySvc lists the actions of each service (strings.ToLower of its
	// name): a pattern with a literal service is matched against those only,
	// and a named action is looked up among them.
	bySvc map[string][]int32
	mu    sync.Mutex
	// lower holds strings.ToLower of names by index, worked out when first
	// needed (under mu): only the services of named actions need it.
	lower map[int32]string
	match map[string][]uint64 // pattern -> bit i: globFold(pattern, names[i])
	// groupings caches whole groupings by groupingKey (groupcache.go).
	groupings map[string][]*Group
}

// maxCachedPatterns bounds an index's pattern cache (each entry is one bit per
// catalogue action, about 2.8 kB): a long run over many policies, such as the
// managed corpus, must not grow it without limit. Beyond it patterns are
// matched afresh, with the same result.
const maxCachedPatterns = 8192

var (
	indexMu sync.Mutex
	indexes = map[*catalog.Catalog]*actionIndex{}
)

// indexOf returns the catalogue's index, building it on first use.
func indexOf(c *catalog.Catalog) *actionIndex {
	indexMu.Lock()
	defer indexMu.Unlock()
	if x, ok := indexes[c]; ok {
		return x
	}
	x := &actionIndex{acts: c.Actions(), match: map[string][]uint64{}, bySvc: map[string][]int32{}}
	x.names = make([]string, len(x.acts))
	x.lower = map[int32]string{}
	// The full names are cut from one string: a string each was 22k
	// allocations on the first proof of a process (issue 15).
	size := 0
	for _, a := range x.acts {
		size += len(a.Service) + 1 + len(a.Name)
	}
	var all strings.Builder
	all.Grow(size)
	for _, a := range x.acts {
		all.WriteString(a.Service)
		all.WriteByte(':')
		all.WriteString(a.Name)
	}
	names, at := all.String(), 0
	var run []int32 // the current service's actions: the catalogue lists a service's together
	svc := ""
	for i, a := range x.acts {
		n := len(a.Service) + 1 + len(a.Name)
		x.names[i], at = names[at:at+n], at+n
		if i == 0 || a.Service != x.acts[i-1].Service {
			if run != nil {
				x.bySvc[svc] = run
			}
			svc = strings.ToLower(a.Service)
			run = x.bySvc[svc]
		}
		run = append(run, int32(i))
	}
	if run != nil {
		x.bySvc[svc] = run
	}
	indexes[c] = x
	return x
}

// matches returns the set of catalogue actions the pattern matches
// (case-insensitively, as globFold), one bit per action in catalogue order.
// The slice is shared: callers must not modify it.
func (x *actionIndex) matches(pattern string) []uint64 {
	// Keyed by the pattern as written: globFold folds ASCII case only, and
	// strings.ToLower would also fold other letters.
	key := pattern
	x.mu.Lock()
	bits, ok := x.match[key]
	x.mu.Unlock()
	if ok {
		return bits
	}
	bits = make([]uint64, (len(x.names)+63)/64)
	if svc, ok := literalService(key); ok {
		// Only an action of that service can match: globFold compares the
		// pattern's bytes up to its ':' one by one with the name's, and
		// a service name holds no ':'.
		for _, i := range x.bySvc[strings.ToLower(svc)] {
			if globFold(key, x.names[i]) {
				bits[i/64] |= 1 << (i % 64)
			}
		}
	} else {
		for i, n := range x.names {
			if globFold(key, n) {
				bits[i/64] |= 1 << (i % 64)
			}
		}
	}
	x.mu.Lock()
	if len(x.match) < maxCachedPatterns {
		x.match[key] = bits
	}
	x.mu.Unlock()
	return bits
}

// literalService is the part of an action pattern before its first ':' when
// that part has no wildcard.
func literalService(pattern string) (string, bool) {
	svc, _, ok := strings.Cut(pattern, ":")
	if !ok || strings.ContainsAny(svc, "*?") {
		return "", false
	}
	return svc, true
}

// ranks maps the index of every catalogue action that rank names (by
// strings.ToLower of its full name) to its rank.
func (x *actionIndex) ranks(rank map[string]int) map[int]int {
	out := map[int]int{}
	x.mu.Lock()
	defer x.mu.Unlock()
	for k, r := range rank {
		svc, _, ok := strings.Cut(k, ":")
		if !ok {
			continue // no catalogue name lacks a ':'
		}
		for _, i := range x.bySvc[svc] {
			l, ok := x.lower[i]
			if !ok {
				l = strings.ToLower(x.names[i])
				x.lower[i] = l
			}
			if l == k {
				out[int(i)] = r
			}
		}
	}
	return out
}

// union is the set of actions any of the patterns matches.
func (x *actionIndex) union(patterns []string) []uint64 {
	out := make([]uint64, (len(x.names)+63)/64)
	for _, p := range patterns {
		for i, w := range x.matches(p) {
			out[i] |= w
		}
	}
	return out
}

func hasBit(bits []uint64, i int) bool { return bits[i/64]&(1<<(i%64)) != 0 }
