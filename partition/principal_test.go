package partition

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

// TestNameShapesAreTheRegexps holds isUserName and model.IsAccountID to the regexps
// they replace, on every short string over an alphabet of their edge bytes
// and on random longer ones.
func TestNameShapesAreTheRegexps(t *testing.T) {
	nameRe := regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	accountRe := regexp.MustCompile(`^[0-9]{12}$`)
	check := func(s string) {
		if got, want := isUserName(s), nameRe.MatchString(s); got != want {
			t.Fatalf("isUserName(%q) = %v, the regexp says %v", s, got, want)
		}
		if got, want := model.IsAccountID(s), accountRe.MatchString(s); got != want {
			t.Fatalf("model.IsAccountID(%q) = %v, the regexp says %v", s, got, want)
		}
	}
	alphabet := "aZ09_+=,.@-/ *:\n\x00\xc3\xa9"
	var walk func(prefix string, depth int)
	walk = func(prefix string, depth int) {
		check(prefix)
		if depth == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			walk(prefix+alphabet[i:i+1], depth-1)
		}
	}
	walk("", 3)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.IntN(70)
		b := make([]byte, n)
		for i := range b {
			if r.IntN(8) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else if r.IntN(2) == 0 {
				b[i] = '0' + byte(r.IntN(10))
			} else {
				b[i] = 'a' + byte(r.IntN(26))
			}
		}
		check(string(b))
	}
	for _, s := range []string{"123456789012", "12345678901", "1234567890123", "alice", "a", "", string(make([]byte, 64))} {
		check(s)
	}
	long := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	check(long)
	check(long + "a")
}
