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
	for _, k := range p.keys {
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
	for i, k := range s.keys {
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
