package model

import (
	"strings"
	"sync"
)

// Context keys are resolved to small integers (slots) once: a policy's condition
// keys and variables when it is compiled, a request's context keys when it is
// prepared. A decision then finds a key's value by comparing integers in the
// request's short, sorted slot list instead of hashing the key's text for every
// condition and variable it evaluates (issue 15; docs/performance.md, "Where the
// time goes").
//
// The table is process-wide and append-only, so a slot means the same key in
// every policy and request; requests add their keys too, so every key of a request
// has a slot. It is bounded: past maxKeySlots distinct keys a new key gets no slot
// (0). A request with such a key keeps its context in a map by key text instead
// (unslotted), and a policy key without a slot cannot be a slotted request's key:
// had the key been added before the table filled, the policy would have found it.
var keySlots struct {
	mu  sync.RWMutex
	ids map[string]uint32 // lower-cased key → slot
}

// maxKeySlots bounds the table: a long fuzzing run or serve sees keys without
// end, and each costs a few dozen bytes for the life of the process.
var maxKeySlots = 1 << 16 // a variable for the test of a full table

// Slots of the derived principal keys, fixed so that preparing a request needs no
// table lookup for them.
const (
	slotPrincipalAccount uint32 = 1 + iota
	slotPrincipalType
	slotPrincipalArn
	slotUsername
	slotUserID
)

func init() {
	// Package variables are initialized before init functions run, and none
	// compiles a policy: these keys are the table's first five entries.
	for _, k := range []string{keyPrincipalAccount, keyPrincipalType, keyPrincipalArn, keyUsername, keyUserID} {
		keySlot(k, true)
	}
	if keySlot(keyUserID, false) != slotUserID {
		panic("model: derived keys do not have their fixed slots")
	}
}

// keySlot returns the slot of a lower-cased key, adding the key when add is set
// and the table has room; 0 means no slot.
func keySlot(lower string, add bool) uint32 {
	keySlots.mu.RLock()
	id := keySlots.ids[lower]
	keySlots.mu.RUnlock()
	if id != 0 || !add {
		return id
	}
	keySlots.mu.Lock()
	defer keySlots.mu.Unlock()
	if id := keySlots.ids[lower]; id != 0 {
		return id
	}
	if len(keySlots.ids) >= maxKeySlots {
		return 0
	}
	if keySlots.ids == nil {
		keySlots.ids = make(map[string]uint32)
	}
	id = uint32(len(keySlots.ids)) + 1
	keySlots.ids[strings.Clone(lower)] = id
	return id
}

// slotValue is one context value of a request, by slot.
type slotValue struct {
	id  uint32
	key string // as given, for errors
	v   ContextValue
}

// lookup returns the request's value of a key: by slot when the key has one, by
// its lower-cased text otherwise.
func (r *Request) lookup(id uint32, lower string) (ContextValue, bool) {
	if r.unslotted {
		v, ok := r.ctx[lower]
		return v, ok
	}
	if id == 0 {
		return ContextValue{}, false // every key of the request has a slot: not this one
	}
	s := r.slots
	if len(s) > 8 {
		lo, hi := 0, len(s)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if s[m].id < id {
				lo = m + 1
			} else {
				hi = m
			}
		}
		s = s[lo:]
	}
	for i := range s {
		if s[i].id == id {
			return s[i].v, true
		}
		if s[i].id > id {
			break
		}
	}
	return ContextValue{}, false
}
