package model

import (
	"strings"
	"sync"
)

// cleanMemo remembers the resources that validated without an error or a
// warning, by whether the policy reads variables: validation depends on
// nothing else of the policy, and policies that do not repeat name the same
// resources again and again (docs/performance.md, "eval, ninth pass"). A
// resource with a finding is checked each time, so each policy gets its own,
// at its own path. It holds at most maxCleanMemo texts of at most
// maxLoweredLen bytes, then starts over. A PolicyCache keeps one; Parse uses
// none.
type cleanMemo struct {
	mu sync.Mutex
	m  [2]map[string]struct{} // by vars
	n  int
}

const maxCleanMemo = 4096

func cleanIndex(vars bool) int {
	if vars && !plantedCleanMemo {
		return 1
	}
	return 0
}

// has reports whether r validated cleanly before, with vars as given.
func (m *cleanMemo) has(r string, vars bool) bool {
	m.mu.Lock()
	_, ok := m.m[cleanIndex(vars)][r]
	m.mu.Unlock()
	return ok
}

// add notes that r validated cleanly with vars as given.
func (m *cleanMemo) add(r string, vars bool) {
	if len(r) > maxLoweredLen {
		return
	}
	// The text is copied: it may share its bytes with a whole document.
	r = strings.Clone(r)
	m.mu.Lock()
	if m.n >= maxCleanMemo {
		m.m, m.n = [2]map[string]struct{}{}, 0
	}
	i := cleanIndex(vars)
	if m.m[i] == nil {
		m.m[i] = make(map[string]struct{})
	}
	m.m[i][r] = struct{}{}
	m.n++
	m.mu.Unlock()
}
