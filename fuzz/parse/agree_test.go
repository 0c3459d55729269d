package parse

import (
	"strings"
	"testing"
)

// TestParseAgrees runs checkParse, which holds model.Parse (the fast scanner
// for what it accepts) to model.ParseReference (jsontext's tokens), on
// documents at the edges of what the fast scanner accepts: each malformed
// value, escape and unusual byte in a condition value, in a key and in a list,
// every prefix of a document, and nesting around maxScanDepth. A planted bug in
// the scanner makes it fail (fuzz/planted).
func TestParseAgrees(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":@}}}]}`
	values := []string{
		`1`, `0`, `-0`, `01`, `-01`, `00`, `1.`, `.5`, `1.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`, `-`, `+1`, `0x10`, `1.5e3`,
		`true`, `false`, `null`, `tru`, `truex`, `nul`, `falsey`, `True`,
		`"a"`, `""`, `"a\u0041"`, `"\ud800"`, `"\ud83d\ude00"`, `"a\"b"`, `"a\\b"`, `"a\/b"`, `"\x"`, "\"a\tb\"", "\"a\x01b\"",
		"\"\xff\"", "\"\xc3\xa9\"", "\"\xe2\x82\xac\"", "\"\xed\xa0\x80\"", "\"\xf0\x9f\x98\x80\"", "\"\xc3\"", "\"é\"",
		`["a",1,true]`, `["a",]`, `[,"a"]`, `[]`, `["a" "b"]`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `{"a":1,"a":2}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`"a"}`, `"a"]}]}`, ` "a" `, "\"a\"\n", "\r\n\"a\"\t",
	}
	var docs []string
	for _, v := range values {
		docs = append(docs,
			strings.Replace(base, "@", v, 1),
			strings.Replace(strings.Replace(base, `"s3:max-keys":@`, v+`:"x"`, 1), "@", v, 1),
			strings.Replace(base, `["s3:GetObject"]`, `["s3:GetObject",`+v+`]`, 1),
			strings.Replace(base, `"Sid":"A1"`, `"Sid":`+v, 1))
	}
	for n := 0; n <= len(base); n++ {
		docs = append(docs, strings.Replace(base, "@", "1", 1)[:n])
	}
	for _, d := range []int{29, 30, 31, 32, 33, 40} {
		docs = append(docs, strings.Replace(base, "@", strings.Repeat("[", d)+"1"+strings.Repeat("]", d), 1))
	}
	docs = append(docs, "", " ", "{}", "[]", `"x"`, "1", "\ufeff{}", `{"Statement":[]} x`, `{"Statement":[]}{}`, "{\"Statement\":{\"Effect\":\"Allow\"}}\n\n")
	for _, d := range docs {
		if err := checkParse([]byte(d)); err != nil {
			t.Error(err)
		}
	}
}
