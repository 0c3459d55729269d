package model

import (
	"math/rand/v2"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// TestAppendQuotedAgrees holds appendQuoted to jsontext.AppendQuote on every
// string of up to two bytes, on every byte at the start, middle and end of a
// warning-like text, and on random strings of ASCII, escapes, multi-byte and
// invalid UTF-8.
func TestAppendQuotedAgrees(t *testing.T) {
	check := func(s string) {
		t.Helper()
		prefix := []byte(`{"x":`)
		want, _ := jsontext.AppendQuote(append([]byte(nil), prefix...), s)
		if got := appendQuoted(append([]byte(nil), prefix...), s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
	check("")
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for c := 0; c < 256; c++ {
			check(string([]byte{byte(a), byte(c)}))
		}
	}
	text := `identity[0]: Statement[1].Resource: "arn:aws:s3:::b/a${?}c": without "Version": "2012-10-17" the variable is literal text`
	for c := 0; c < 256; c++ {
		for _, at := range []int{0, len(text) / 2, len(text)} {
			check(text[:at] + string([]byte{byte(c)}) + text[at:])
		}
	}
	alphabet := []string{"a", "Z", " ", `"`, `\`, "<", ">", "&", "\x7f", "\x00", "\n", "\t", "\x1f", "é", "\u2028", "€", "\xff", "\xe2\x82", "😀"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var s []byte
		for range r.IntN(40) {
			s = append(s, alphabet[r.IntN(len(alphabet))]...)
		}
		check(string(s))
	}
}
