package model

import (
	"strings"
	"sync"
	"sync/atomic"
)

// lowerName returns strings.ToLower(s) for an action name or a condition key,
// memoized: policies name the same few thousand actions and keys again and
// again, and lower-casing each afresh (validation, lint and compile each do)
// was 7 % of the objects eval allocated on cases whose policies do not repeat.
// The memo holds at most maxLowered names of at most maxLoweredLen bytes, so
// hostile input cannot grow it without bound; other names are lower-cased as
// before.
func lowerName(s string) string {
	if l, ok := lowered.Load(s); ok {
		return l.(string)
	}
	l := strings.ToLower(s)
	if l != s && len(s) <= maxLoweredLen && loweredN.Load() < maxLowered {
		loweredN.Add(1)
		// The key is copied: s may be a slice of a whole policy document.
		lowered.Store(strings.Clone(s), l)
	}
	return l
}

// maxLowered bounds the memo's names and maxLoweredLen each name's length (the
// longest action names and condition keys are under 128 bytes).
const (
	maxLowered    = 1 << 14
	maxLoweredLen = 256
)

var (
	lowered  sync.Map // name → its lower case, for names with an upper-case letter
	loweredN atomic.Int64
)
