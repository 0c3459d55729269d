package model

import (
	"strings"
	"sync"
)

// patternMemo remembers compiled patterns by their text, kind and whether
// they read policy variables: policies that do not repeat still name the same
// resources, action patterns and condition values (2,000 generated cases name
// 38 distinct resources 16,487 times), and compiling each afresh was a tenth
// of eval's instructions on such cases (docs/performance.md, "eval, ninth
// pass"). A compiled pattern is immutable once made (matching only reads it),
// so one copy serves every policy and goroutine. It holds at most
// maxPatternMemo patterns of at most maxLoweredLen bytes, then starts over.
// A PolicyCache keeps one; Compile uses none.
type patternMemo struct {
	mu sync.Mutex
	m  [patAction + 1][2]map[string]pattern // by kind, then vars
	n  int
}

const maxPatternMemo = 4096

// compile returns compilePattern(text, kind, vars), from the memo when it has
// it (m may be nil: then compiled afresh).
func (m *patternMemo) compile(text string, kind patternKind, vars bool) pattern {
	if m == nil || len(text) > maxLoweredLen {
		return compilePattern(text, kind, vars)
	}
	v := 0
	if vars && !plantedPatternMemo {
		v = 1
	}
	m.mu.Lock()
	p, ok := m.m[kind][v][text]
	m.mu.Unlock()
	if ok {
		return p
	}
	// The text is copied: it may share its bytes with a larger string, which
	// the memo would otherwise keep alive.
	text = strings.Clone(text)
	p = compilePattern(text, kind, vars)
	m.mu.Lock()
	if m.n >= maxPatternMemo {
		m.m, m.n = [patAction + 1][2]map[string]pattern{}, 0
	}
	if m.m[kind][v] == nil {
		m.m[kind][v] = make(map[string]pattern)
	}
	if _, ok := m.m[kind][v][text]; !ok {
		m.m[kind][v][text] = p
		m.n++
	}
	m.mu.Unlock()
	return p
}
