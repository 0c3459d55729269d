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
// describes every policy the two compile differently once the cache's has
// every statement compiled.
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
		// Every statement compiled, a lazily compiled policy is Compile's but
		// for what it was to be compiled with.
		for i := range got.stmts {
			got.stmts[i].need(stmtComplete)
			got.stmts[i].lazy = nil
		}
		got.src = stmtSource{}
		if want := Compile(p); !reflect.DeepEqual(got, want) {
			diffs = append(diffs, fmt.Sprintf("%s as %v: compiled differently through the cache", text, types[i]))
		}
	}
	if len(texts) < 400 {
		t.Fatalf("only %d policies to compile", len(texts))
	}
	return diffs
}

// cacheDecideDiffs decides and explains every case of corpus/cases with its
// policies compiled by Compile(Parse(text)), and through two PolicyCaches:
// one that explains each case first (so Explain's trace is the first to reach
// a lazily compiled statement), one that decides first. It describes every
// result or trace that differs.
func cacheDecideDiffs(t *testing.T) []string {
	t.Helper()
	cases, err := LoadCaseDir("../corpus/cases")
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	explainFirst, decideFirst := &PolicyCache{}, &PolicyCache{}
	compared := 0
	for _, c := range cases {
		r, err := c.BuildRequest()
		if err != nil {
			continue
		}
		eager, err := eagerBundle(c)
		if err != nil {
			continue
		}
		var e Evaluator
		var want Result
		e.Decide(eager, r, &want)
		wantX, wantTr := e.Explain(eager, r)
		for _, pc := range []*PolicyCache{explainFirst, decideFirst} {
			b, err := c.Bundle(pc)
			if err != nil {
				diffs = append(diffs, fmt.Sprintf("%s: %v through the cache only", c.ID, err))
				continue
			}
			var got, gotX Result
			var gotTr *Trace
			if pc == explainFirst {
				gotX, gotTr = e.Explain(b, r)
				e.Decide(b, r, &got)
			} else {
				e.Decide(b, r, &got)
				gotX, gotTr = e.Explain(b, r)
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotX, wantX) || !reflect.DeepEqual(gotTr, wantTr) {
				diffs = append(diffs, fmt.Sprintf("%s: %s through the cache, %s compiled alone", c.ID, got.Decision, want.Decision))
			}
			compared++
		}
	}
	if compared < 300 {
		t.Fatalf("only %d decisions compared", compared)
	}
	return diffs
}

// eagerBundle is Case.Bundle with every policy compiled by Compile(Parse(text)).
func eagerBundle(c *Case) (*Bundle, error) {
	b := &Bundle{}
	b.reset(len(c.Policies.SCP), len(c.Policies.RCP))
	rtyp := ResourcePolicyType(c.Request.Resource)
	for ref, v := range c.Policies.All() {
		if ref.Type == BoundaryPolicy && len(c.Policies.Boundary) > 1 {
			return nil, fmt.Errorf("%d boundaries", len(c.Policies.Boundary))
		}
		text, err := PolicyText(v, c.Dir)
		if err != nil {
			return nil, err
		}
		typ := ref.Type
		if typ == ResourcePolicy {
			typ = rtyp
		}
		p, err := Parse(text, typ)
		if err != nil {
			return nil, err
		}
		b.add(ref, Compile(p))
	}
	return b, nil
}
