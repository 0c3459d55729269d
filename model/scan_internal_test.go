package model

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// TestScanDocAgreesWithJSONText: whatever the fast scanner accepts, jsontext
// accepts with Parse's options (the promise eval's deferred policy checks rest
// on, LineDecoder.DeferPolicyChecks), and it accepts the plain documents it is
// for. fuzz/parse holds Parse to ParseReference on these and on every input.
func TestScanDocAgreesWithJSONText(t *testing.T) {
	plain := []string{`{}`, `[]`, `""`, `1`, `-1.5e+3`, `true`, `false`, `null`, ` {"a" : [ 1 , "b" , {"c":null} ] } `,
		"{\n\t\"Version\": \"2012-10-17\",\r\n\"Statement\": []}", `{"a":"é€😀"}`, `{"a":1,"a":2}`, `"` + strings.Repeat("x", 100) + `"`}
	odd := []string{``, ` `, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{,}`, `01`, `-`, `1.`, `1e`, `.1`, `+1`, `tru`, `nul`, `falsey`,
		`"\u0041"`, `"a\\b"`, `"\x"`, "\"\t\"", "\"\x00\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\"\xc3\"", `"abc`, `"abcdefghijklmnop`, "\ufeff{}", `{} {}`, `{}x`,
		strings.Repeat("[", maxScanDepth+1) + strings.Repeat("]", maxScanDepth+1), `{"a":` + strings.Repeat(`"abcdefgh`, 3)}
	for _, d := range append(plain, odd...) {
		s, ok := scanDoc([]byte(d))
		s.release()
		if ok && !jsontext.Value(d).IsValid(jsontext.AllowDuplicateNames(true)) {
			t.Errorf("scanDoc accepts %q, which jsontext rejects", d)
		}
	}
	for _, d := range plain {
		if s, ok := scanDoc([]byte(d)); !ok {
			t.Errorf("scanDoc declines the plain %q", d)
		} else {
			s.release()
		}
	}
	deep := strings.Repeat("[", maxScanDepth) + strings.Repeat("]", maxScanDepth)
	if s, ok := scanDoc([]byte(deep)); !ok {
		t.Errorf("scanDoc declines %d levels", maxScanDepth)
	} else {
		s.release()
	}
}
