package partition

import "sync"

// An automaton is the same in every enumeration for the same expression: the
// NFA is built from the expression's tree alone, and its lazily built DFA adds
// the same state for the same set of NFA states whichever enumeration asks
// first. Every enumeration compiled its ≈ 130 automata afresh and built their
// DFAs again (issue 15: a fifth of a warm class of 004). So the process keeps
// them, keyed by the expression's encoding (Lang.appendKey) — never by the
// name a problem gives a language, which means something else in another
// problem (TestSharedAutomataFollowTheLanguage).
//
// A DFA grows as walks step through it, so an automaton is never used by two
// enumerations at once: one takes it out of the pool (takeAuto) and gives it
// back when it ends (giveAutos); another that asks meanwhile compiles its own.

// maxPooledWords bounds the pool's automata by their size in 8-byte words
// (sizeWords); a full pool takes no more.
const maxPooledWords = 1 << 20

var autoPool struct {
	sync.Mutex
	m     map[string]*auto
	words int
}

// takeAuto removes and returns the pooled automaton of expression key lk, or
// nil.
func takeAuto(lk string) *auto {
	autoPool.Lock()
	defer autoPool.Unlock()
	a := autoPool.m[lk]
	if a != nil {
		delete(autoPool.m, lk)
		autoPool.words -= a.pooledWords
	}
	return a
}

// giveAutos puts automata back in the pool, each unless another of its
// expression is there already or the pool is full.
func giveAutos(as []*auto) {
	autoPool.Lock()
	defer autoPool.Unlock()
	if autoPool.m == nil {
		autoPool.m = map[string]*auto{}
	}
	for _, a := range as {
		if _, dup := autoPool.m[a.lkey]; dup {
			continue
		}
		w := a.sizeWords()
		if autoPool.words+w > maxPooledWords {
			continue
		}
		a.pooledWords = w
		autoPool.m[a.lkey] = a
		autoPool.words += w
	}
}

// sizeWords is about how many 8-byte words the automaton holds.
func (a *auto) sizeWords() int {
	return len(a.sets) + len(a.hashes) + len(a.clos) + (len(a.table)+len(a.trans))/2 +
		len(a.edgeCSR)*5 + (len(a.epsCSR)+len(a.edgeAt)+len(a.epsAt))/2 + (len(a.closDone)+len(a.acc)+len(a.dead)+len(a.full))/8 + 2*len(a.edgeSet) + len(a.univ) + 130
}

// auto returns the compiled automaton of a language, by key: the
// enumeration's own if it has one under key, else one of the same expression
// (from the pool or compiled).
func (e *enumerator) auto(key string, l func() *Lang) *auto {
	if a, ok := e.autos[key]; ok {
		return a
	}
	lang := l()
	var a *auto
	if b, ok := lang.appendKey(e.keyBuf[:0]); ok {
		if plantedSharedKey {
			b = append(b[:0], key...) // the planted bug: kept by name
		}
		e.keyBuf = b
		if a = e.byLang[string(b)]; a == nil {
			lk := string(b)
			if a = takeAuto(lk); a == nil {
				a = compile(lang)
				a.lkey = lk
			}
			if e.byLang == nil {
				e.byLang = map[string]*auto{}
			}
			e.byLang[lk] = a
			e.taken = append(e.taken, a)
		}
	} else {
		a = compile(lang)
	}
	if e.autos == nil {
		e.autos = map[string]*auto{}
	}
	e.autos[key] = a
	return a
}

// release gives the enumeration's automata back to the pool.
func (e *enumerator) release() {
	giveAutos(e.taken)
	e.taken, e.byLang = nil, nil
}
