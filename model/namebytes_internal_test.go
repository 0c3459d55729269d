package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The predicates as they were written before the nameBytes table: the table
// must give the same answer for every string.
func validActionSyntaxRef(a string) bool {
	if a == "*" {
		return true
	}
	colons := 0
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case c == ':':
			colons++
		case c == '*' || c == '?' || c == '-' || c == '_' || c == '.' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return colons == 1 && a[0] != ':' && a[len(a)-1] != ':'
}

func validKeyNameRef(k string) bool {
	i := strings.IndexByte(k, ':')
	if i <= 0 || i == len(k)-1 {
		return false
	}
	for _, c := range []byte(k[:i]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	for i := 0; i < len(k); i++ {
		switch k[i] {
		case ' ', '\t', '\r', '\n', '$', '{', '}':
			return false
		}
	}
	return true
}

// TestNameBytes: validActionSyntax and validKeyName, which read nameBytes,
// agree with the byte comparisons they replaced: on every byte at every place
// of a few valid names, on every string of up to two bytes, and on random
// strings.
func TestNameBytes(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := validActionSyntax(s), validActionSyntaxRef(s); got != want {
			t.Fatalf("validActionSyntax(%q) = %v, want %v", s, got, want)
		}
		if got, want := validKeyName(s), validKeyNameRef(s); got != want {
			t.Fatalf("validKeyName(%q) = %v, want %v", s, got, want)
		}
	}
	for _, base := range []string{"s3:GetObject", "aws:PrincipalTag/team", "ec2:Describe*", "a:b", "*"} {
		for i := 0; i <= len(base); i++ {
			for c := range 256 {
				check(base[:i] + string([]byte{byte(c)}) + base[i:])
				if i < len(base) {
					check(base[:i] + string([]byte{byte(c)}) + base[i+1:])
				}
			}
		}
	}
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	alpha := []byte("aZ09-_.*?:/ $\t{}\n\x80\xff")
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		check(string(b))
	}
}
