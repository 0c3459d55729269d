package peer

import (
	"bytes"
	"errors"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// node is a JSON value that keeps object members in document order, duplicates
// included: the emulations of known.go rewrite policy documents the way the peer
// reads them, and some of those documents are ones the model rejects (duplicate
// keys, unknown operators), so they cannot go through model.Parse.
type node struct {
	kind    jsontext.Kind  // '{', '[', or the kind of a scalar
	raw     jsontext.Value // scalars: the value as written
	members []member       // objects
	items   []*node        // arrays
}

type member struct {
	name string
	val  *node
}

var errTrailing = errors.New("trailing data after the JSON value")

// parseTree reads one JSON value.
func parseTree(data []byte) (*node, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	n, err := readNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, errTrailing
	}
	return n, nil
}

func readNode(dec *jsontext.Decoder) (*node, error) {
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		n := &node{kind: '{'}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // before the next read voids the token
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{name, v})
		}
		_, err := dec.ReadToken()
		return n, err
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		n := &node{kind: '['}
		for dec.PeekKind() != ']' {
			v, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
		}
		_, err := dec.ReadToken()
		return n, err
	}
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return &node{kind: v.Kind(), raw: append(jsontext.Value(nil), v...)}, nil
}

// encode writes the value back as compact JSON.
func (n *node) encode(b []byte) []byte {
	switch n.kind {
	case '{':
		b = append(b, '{')
		for i, m := range n.members {
			if i > 0 {
				b = append(b, ',')
			}
			b, _ = jsontext.AppendQuote(b, m.name)
			b = append(b, ':')
			b = m.val.encode(b)
		}
		return append(b, '}')
	case '[':
		b = append(b, '[')
		for i, it := range n.items {
			if i > 0 {
				b = append(b, ',')
			}
			b = it.encode(b)
		}
		return append(b, ']')
	}
	return append(b, n.raw...)
}

// get returns the last member called name (the peer's JSON.parse keeps the last of
// duplicates), or nil.
func (n *node) get(name string) *node {
	if n == nil || n.kind != '{' {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].name == name {
			return n.members[i].val
		}
	}
	return nil
}

// set replaces every member called name by one with value v, or appends it.
func (n *node) set(name string, v *node) {
	n.del(name)
	n.members = append(n.members, member{name, v})
}

// del removes every member called name and reports whether there was one.
func (n *node) del(name string) bool {
	out := n.members[:0]
	found := false
	for _, m := range n.members {
		if m.name == name {
			found = true
			continue
		}
		out = append(out, m)
	}
	n.members = out
	return found
}

// str returns a string scalar's value.
func (n *node) str() (string, bool) {
	if n == nil || n.kind != '"' {
		return "", false
	}
	tok, err := jsontext.NewDecoder(bytes.NewReader(n.raw), jsontext.AllowInvalidUTF8(true)).ReadToken()
	if err != nil {
		return "", false
	}
	return tok.String(), true
}

// strings returns the strings of a string or a list of strings (other items are
// skipped).
func (n *node) strings() []string {
	if n == nil {
		return nil
	}
	if n.kind == '[' {
		var out []string
		for _, it := range n.items {
			if s, ok := it.str(); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := n.str(); ok {
		return []string{s}
	}
	return nil
}

// elems returns the items of a list, or the node itself when it is not one: a
// policy element's values may be written either way.
func (n *node) elems() []*node {
	if n.kind == '[' {
		return n.items
	}
	return []*node{n}
}

func stringNode(s string) *node {
	q, _ := jsontext.AppendQuote(nil, s)
	return &node{kind: '"', raw: q}
}

// statements returns a policy's statements (Statement may be one object or a list).
func (n *node) statements() []*node {
	st := n.get("Statement")
	switch {
	case st == nil:
		return nil
	case st.kind == '{':
		return []*node{st}
	case st.kind == '[':
		return st.items
	}
	return nil
}

// filterStatements keeps the statements for which keep is true; it reports whether
// any was removed.
func (n *node) filterStatements(keep func(*node) bool) bool {
	st := n.get("Statement")
	if st == nil {
		return false
	}
	if st.kind == '{' {
		if keep(st) {
			return false
		}
		n.set("Statement", &node{kind: '['})
		return true
	}
	out := st.items[:0]
	removed := false
	for _, s := range st.items {
		if keep(s) {
			out = append(out, s)
		} else {
			removed = true
		}
	}
	st.items = out
	return removed
}
