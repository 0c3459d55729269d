package source

import "github.com/go-json-experiment/json/jsontext"

// emitter writes a resolved node tree as compact JSON and records, for every value
// and key, where it starts in the output and where it came from in the file.
type emitter struct {
	buf   []byte
	spans []span
}

func (e *emitter) mark(p Pos) { e.spans = append(e.spans, span{int64(len(e.buf)), p}) }

func (e *emitter) value(n *node) {
	e.mark(n.pos)
	switch n.kind {
	case nMap:
		e.buf = append(e.buf, '{')
		for i, k := range n.keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.mark(n.keyPos[i])
			e.buf, _ = jsontext.AppendQuote(e.buf, k) // invalid UTF-8 is replaced, never an error here
			e.buf = append(e.buf, ':')
			e.value(n.vals[i])
		}
		e.buf = append(e.buf, '}')
	case nSeq:
		e.buf = append(e.buf, '[')
		for i, it := range n.items {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.value(it)
		}
		e.buf = append(e.buf, ']')
	case nStr:
		e.buf, _ = jsontext.AppendQuote(e.buf, n.str)
	case nNum, nBool:
		e.buf = append(e.buf, n.str...)
	default:
		e.buf = append(e.buf, "null"...)
	}
}
