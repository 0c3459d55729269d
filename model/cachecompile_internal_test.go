package model

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// cacheCompileTexts are the policies TestCacheCompileAgrees compiles: every
// policy of corpus/cases and corpus/policies, and documents that write the
// same texts as resources, action patterns and condition values of every
// family, with and without Version 2012-10-17 (so with variables read and
// literal), in both orders.
func cacheCompileTexts(t *testing.T) (texts [][]byte, types []PolicyType) {
	t.Helper()
	cases, err := LoadCaseDir("../corpus/cases")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		rtyp := ResourcePolicyType(c.Request.Resource)
		for ref, v := range c.Policies.All() {
			text, err := PolicyText(v, c.Dir)
			if err != nil {
				continue
			}
			typ := ref.Type
			if typ == ResourcePolicy {
				typ = rtyp
			}
			texts, types = append(texts, text), append(types, typ)
		}
	}
	files, err := filepath.Glob("../corpus/policies/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts, types = append(texts, b), append(types, IdentityPolicy)
	}
	values := []string{
		"arn:aws:s3:::b/${aws:username}/*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:s3:::b/a${?}c",
		"arn:aws:s3:::b/${aws:PrincipalTag/team, 'x'}", "arn:aws:iam::111122223333:user/*", "*", "${aws:username}",
		"true", "${aws:MultiFactorAuthPresent}", "arn:aws:s3:::B/Key?", "iam:*MFA*",
	}
	ops := []string{"StringLike", "StringEquals", "StringEqualsIgnoreCase", "ArnLike", "ArnEquals", "Bool", "StringNotLikeIfExists", "ForAnyValue:StringLike"}
	for _, version := range []string{`"Version":"2012-10-17",`, ``, `"Version":"2008-10-17",`} {
		for _, v := range values {
			var conds []string
			for _, op := range ops {
				conds = append(conds, fmt.Sprintf(`%q:{"aws:ResourceTag/k":%q}`, op, v))
			}
			doc := fmt.Sprintf(`{%s"Statement":[{"Effect":"Allow","Action":["s3:Get*",%q],"Resource":%q,"Condition":{%s}},`+
				`{"Effect":"Deny","NotAction":%q,"NotResource":[%q,"arn:aws:s3:::x"]}]}`,
				version, "iam:*MFA*", v, strings.Join(conds, ","), "iam:*MFA*", v)
			texts, types = append(texts, []byte(doc)), append(types, IdentityPolicy)
		}
	}
	// The same documents again, last first: each memo entry is then made by
	// the other version's policies.
	for i := len(texts) - 1; i >= 0; i-- {
		texts, types = append(texts, texts[i]), append(types, types[i])
	}
	return texts, types
}

// cacheCompileDiffs compiles each text through one PolicyCache, which shares
// its memos across all of them, and on its own with Compile(Parse(text)), and
// describes every policy the two compile differently.
func cacheCompileDiffs(t *testing.T) []string {
	texts, types := cacheCompileTexts(t)
	pc := &PolicyCache{}
	var diffs []string
	for i, text := range texts {
		got, gerr := pc.Compile(text, types[i])
		p, werr := Parse(text, types[i])
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			diffs = append(diffs, fmt.Sprintf("%s as %v: cache error %v, Parse error %v", text, types[i], gerr, werr))
			continue
		}
		if werr != nil {
			continue
		}
		if want := Compile(p); !reflect.DeepEqual(got, want) {
			diffs = append(diffs, fmt.Sprintf("%s as %v: compiled differently through the cache", text, types[i]))
		}
	}
	if len(texts) < 400 {
		t.Fatalf("only %d policies to compile", len(texts))
	}
	return diffs
}
