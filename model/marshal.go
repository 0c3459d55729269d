package model

import (
	"github.com/go-json-experiment/json/jsontext"
)

// Marshal writes the policy back as JSON in the form it was written: keys in
// document order, bare strings kept bare, lists kept lists, unquoted booleans and
// numbers kept unquoted. White space is not kept. Parse(Marshal(p)) equals p.
func (p *Policy) Marshal() []byte {
	b := []byte{'{'}
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b, _ = jsontext.AppendQuote(b, k)
		b = append(b, ':')
	}
	for _, k := range p.orderedKeys() {
		switch k {
		case "Version":
			key(k)
			b, _ = jsontext.AppendQuote(b, p.Version)
		case "Id":
			key(k)
			b, _ = jsontext.AppendQuote(b, p.ID)
		case "Statement":
			key(k)
			if p.StatementSingle && len(p.Statements) == 1 {
				b = p.Statements[0].appendJSON(b)
				continue
			}
			b = append(b, '[')
			for i := range p.Statements {
				if i > 0 {
					b = append(b, ',')
				}
				b = p.Statements[i].appendJSON(b)
			}
			b = append(b, ']')
		}
	}
	return append(b, '}')
}

func (s *Statement) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, k := range s.orderedKeys() {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, k)
		b = append(b, ':')
		switch k {
		case "Sid":
			b, _ = jsontext.AppendQuote(b, s.Sid)
		case "Effect":
			b, _ = jsontext.AppendQuote(b, s.Effect)
		case "Action":
			b = s.Action.appendJSON(b)
		case "NotAction":
			b = s.NotAction.appendJSON(b)
		case "Resource":
			b = s.Resource.appendJSON(b)
		case "NotResource":
			b = s.NotResource.appendJSON(b)
		case "Principal":
			b = s.Principal.appendJSON(b)
		case "NotPrincipal":
			b = s.NotPrincipal.appendJSON(b)
		case "Condition":
			b = append(b, '{')
			for j, op := range s.Condition {
				if j > 0 {
					b = append(b, ',')
				}
				b, _ = jsontext.AppendQuote(b, op.Operator)
				b = append(b, ':', '{')
				for n, ck := range op.Keys {
					if n > 0 {
						b = append(b, ',')
					}
					b, _ = jsontext.AppendQuote(b, ck.Key)
					b = append(b, ':')
					if ck.Single && len(ck.Values) == 1 {
						b = ck.Values[0].appendJSON(b)
						continue
					}
					b = append(b, '[')
					for m, v := range ck.Values {
						if m > 0 {
							b = append(b, ',')
						}
						b = v.appendJSON(b)
					}
					b = append(b, ']')
				}
				b = append(b, '}')
			}
			b = append(b, '}')
		}
	}
	return append(b, '}')
}

func (l *StringList) appendJSON(b []byte) []byte {
	if l.Single && len(l.Values) == 1 {
		b, _ = jsontext.AppendQuote(b, l.Values[0])
		return b
	}
	b = append(b, '[')
	for i, v := range l.Values {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, v)
	}
	return append(b, ']')
}

func (v Value) appendJSON(b []byte) []byte {
	if v.Kind == KindString {
		b, _ = jsontext.AppendQuote(b, v.Text)
		return b
	}
	return append(b, v.Text...)
}

func (pb *PrincipalBlock) appendJSON(b []byte) []byte {
	if pb.Wildcard && len(pb.Entries) == 0 {
		return append(b, `"*"`...)
	}
	b = append(b, '{')
	for i, e := range pb.Entries {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, e.Type)
		b = append(b, ':')
		b = e.Values.appendJSON(b)
	}
	return append(b, '}')
}

// orderedKeys is the document's key order, adjusted for edits made after parsing:
// elements that are gone are dropped and new ones follow in the canonical order.
func (p *Policy) orderedKeys() []string {
	return mergeKeys(p.keys, policyKeys[:], func(k string) bool {
		switch k {
		case "Version":
			return p.HasVersion
		case "Id":
			return p.HasID
		}
		return k == "Statement"
	})
}

var policyKeys = [...]string{"Version", "Id", "Statement"}

var statementKeys = [...]string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (s *Statement) orderedKeys() []string {
	return mergeKeys(s.keys, statementKeys[:], s.has)
}

func (s *Statement) has(k string) bool {
	switch k {
	case "Sid":
		return s.HasSid
	case "Effect":
		return s.HasEffect || s.Effect != ""
	case "Principal":
		return s.Principal != nil
	case "NotPrincipal":
		return s.NotPrincipal != nil
	case "Action":
		return s.Action != nil
	case "NotAction":
		return s.NotAction != nil
	case "Resource":
		return s.Resource != nil
	case "NotResource":
		return s.NotResource != nil
	case "Condition":
		return s.HasCondition || len(s.Condition) > 0
	}
	return false
}

// mergeKeys returns written when it is exactly the present keys (the common case:
// nothing was edited); otherwise the present written keys, then the missing ones
// in canonical order.
func mergeKeys(written, canonical []string, present func(string) bool) []string {
	n := 0
	for _, k := range canonical {
		if present(k) {
			n++
		}
	}
	same := len(written) == n
	for _, k := range written {
		if !present(k) {
			same = false
			break
		}
	}
	if same {
		return written
	}
	out := make([]string, 0, n)
	for _, k := range written {
		if present(k) && !contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range canonical {
		if present(k) && !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
