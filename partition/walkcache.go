package partition

import (
	"strconv"
	"sync"
)

// A walk over the product of automata (explore) gives the same regions,
// witnesses and count of states in every enumeration for the same
// expressions and domain: it reads the automata's languages only, through
// DFAs whose states are sets of NFA states. The resource, principal and
// context walks of a warm proof were about a third of its instructions
// (issue 15), and a folder of policies under one spec walks the same
// callers' and templates' products again and again. So the process keeps
// walks, keyed by the expressions (Lang.appendKey, as the pool of automata,
// autocache.go), never by the names a problem gives them.
//
// Only walks that the budget did not stop are kept, with their count of
// states: a later walk under a budget of at least that count would have
// finished the same way and is charged the same states (e.spent), so whether
// an enumeration runs out of its total budget, and where, is what it was
// with nothing kept. Under a smaller budget the walk is done afresh.

// maxSharedWalks bounds the kept walks, and maxSharedWalkBytes their
// regions' size (walkBytes); a full table is emptied. A long run over many
// policies (the managed corpus) must not keep every walk it made.
const (
	maxSharedWalks     = 1 << 13
	maxSharedWalkBytes = 16 << 20
)

type sharedWalkResult struct {
	regions  []Region // shared: read only
	complete bool
	states   int
}

var sharedWalks struct {
	sync.Mutex
	m     map[string]sharedWalkResult
	bytes int
}

// sharedWalk returns the kept walk of key lk, if keyed, when there is one
// and its states fit budget.
func sharedWalk(lk []byte, keyed bool, budget int) (sharedWalkResult, bool) {
	if !keyed {
		return sharedWalkResult{}, false
	}
	sharedWalks.Lock()
	defer sharedWalks.Unlock()
	w, ok := sharedWalks.m[string(lk)]
	if !ok || w.states > budget {
		return sharedWalkResult{}, false
	}
	return w, true
}

func keepWalk(lk string, w sharedWalkResult) {
	n := walkBytes(lk, w)
	sharedWalks.Lock()
	defer sharedWalks.Unlock()
	if sharedWalks.m == nil || len(sharedWalks.m) >= maxSharedWalks || sharedWalks.bytes+n > maxSharedWalkBytes {
		sharedWalks.m, sharedWalks.bytes = map[string]sharedWalkResult{}, 0
	}
	if old, ok := sharedWalks.m[lk]; ok {
		sharedWalks.bytes -= walkBytes(lk, old)
	}
	sharedWalks.m[lk] = w
	sharedWalks.bytes += n
}

// walkBytes is about how many bytes a kept walk holds.
func walkBytes(lk string, w sharedWalkResult) int {
	n := len(lk) + 64
	for _, r := range w.regions {
		n += len(r.In) + len(r.Witness) + 56
	}
	return n
}

// walkKey is the process-wide key of a walk over autos within domain: the
// domain, then each automaton's expression key prefixed by its length; ok is
// false when an automaton has no expression key. The key is in e.keyBuf's
// storage: valid until its next use.
func (e *enumerator) walkKey(autos []*auto, domain int) (key []byte, ok bool) {
	b := strconv.AppendInt(e.keyBuf[:0], int64(domain), 10)
	for _, a := range autos {
		if a.lkey == "" {
			return nil, false
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(len(a.lkey)), 10)
		b = append(b, ':')
		b = append(b, a.lkey...)
	}
	e.keyBuf = b
	return b, true
}
