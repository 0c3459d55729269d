package model

import "github.com/go-json-experiment/json/jsontext"

// appendQuoted is jsontext.AppendQuote(b, s) (its error dropped, as eval's
// writers do) for the strings of eval's result lines. jsontext's copies s to a
// byte slice, on the heap past 32 bytes: eval's warnings, a hundred bytes or
// more, were 3 % of its instructions on cases whose policies do not repeat
// (docs/performance.md, "eval, ninth pass"). Printable ASCII is written here,
// '"' and '\' escaped as jsontext escapes them; a string with any other byte
// goes to jsontext whole. TestAppendQuotedAgrees holds the two together.
func appendQuoted(b []byte, s string) []byte {
	start := len(b)
	b = append(b, '"')
	i := 0
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c >= 0x20 && c < 0x80 && c != '"' && c != '\\' {
			continue
		}
		if c != '"' && c != '\\' {
			b, _ = jsontext.AppendQuote(b[:start], s)
			return b
		}
		b = append(b, s[i:j]...)
		b = append(b, '\\', c)
		i = j + 1
	}
	b = append(b, s[i:]...)
	return append(b, '"')
}
