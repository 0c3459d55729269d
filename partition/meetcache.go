package partition

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// Whether a catalogue ARN template meets a resource language is the same in
// every enumeration: the templates are the catalogue's and the languages are
// often the same from policy to policy (a spec's owned resources and the
// callers' own, a statement's pattern). Each answer costs a product walk of
// the two automata (intersects, about half a million instructions), so the
// process keeps them, keyed by the template and the language's shape
// (langKey) — never by a caller's name for it, which means something else in
// another problem (issue 15: the proof engine's classes per second).

// maxSharedMeets bounds the process-wide answers; a full table is emptied.
const maxSharedMeets = 1 << 16

var sharedMeets struct {
	sync.Mutex
	m map[[2]string]bool
}

// sharedMeet returns the kept answer for template key tk and shape sb.
func sharedMeet(tk, sb string) (meet, ok bool) {
	sharedMeets.Lock()
	defer sharedMeets.Unlock()
	meet, ok = sharedMeets.m[[2]string{tk, sb}]
	return meet, ok
}

func keepMeet(tk, sb string, meet bool) {
	sharedMeets.Lock()
	defer sharedMeets.Unlock()
	if sharedMeets.m == nil || len(sharedMeets.m) >= maxSharedMeets {
		sharedMeets.m = map[[2]string]bool{}
	}
	sharedMeets.m[[2]string{tk, sb}] = meet
}

// shape is the langKey of a caller's resource predicate, cached by its key;
// "" when the predicate has none (a statement's patterns have their own keys).
func (e *enumerator) shape(p *resourcePred) string {
	if p.pats != nil {
		return ""
	}
	s, ok := e.shapes[p.key]
	if !ok {
		if b, ok := p.lang().appendKey([]byte("L:")); ok {
			s = string(b)
		}
		if e.shapes == nil {
			e.shapes = map[string]string{}
		}
		e.shapes[p.key] = s
	}
	return s
}

// appendKey appends an encoding of the expression l to b: two expressions
// with the same encoding are the same expression, hence the same language.
// Every node starts with its operator and fixes how many bytes or
// subexpressions follow, so the encoding reads back one way only. A raw
// automaton is encoded state by state. ok is false for an operator the
// encoding does not know.
func (l *Lang) appendKey(b []byte) ([]byte, bool) {
	switch l.op {
	case opSet:
		if c, single := l.set.single(); single {
			return append(b, 'b', c), true
		}
		return l.set.appendWords(append(b, 'S')), true
	case opSeq, opAlt, opStar, opRepeat:
		b = append(b, "qarn"[l.op-opSeq])
		if l.op == opRepeat {
			b = binary.AppendUvarint(b, uint64(l.n))
		}
		b = binary.AppendUvarint(b, uint64(len(l.subs)))
		for _, s := range l.subs {
			var ok bool
			if b, ok = s.appendKey(b); !ok {
				return b, false
			}
		}
		return b, true
	case opRaw:
		// The automaton as given: its states' edges, then its start and
		// accepting states, each list prefixed by its length.
		r := l.raw
		b = binary.AppendUvarint(append(b, 'w'), uint64(len(r.edges)))
		for _, es := range r.edges {
			b = binary.AppendUvarint(b, uint64(len(es)))
			for _, ed := range es {
				b = binary.AppendUvarint(ed.set.appendWords(b), uint64(ed.to))
			}
		}
		for _, list := range [2][]int32{r.start, r.accept} {
			b = binary.AppendUvarint(b, uint64(len(list)))
			for _, q := range list {
				b = binary.AppendUvarint(b, uint64(q))
			}
		}
		return b, true
	}
	return b, false
}

// single returns the byte of a set of one byte.
func (s ByteSet) single() (byte, bool) {
	n, c := 0, 0
	for i, w := range s {
		n += bits.OnesCount64(w)
		if w != 0 {
			c = i*64 + bits.TrailingZeros64(w)
		}
	}
	return byte(c), n == 1
}

// appendWords appends the set's four words to b.
func (s ByteSet) appendWords(b []byte) []byte {
	for _, w := range s {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b
}
