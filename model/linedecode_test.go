package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// checkLineDecoder holds LineDecoder to the reference, ParseCaseShared, on one
// line: when the fast path accepts the line, the reference accepts it too and
// the two cases are the same (the context compared as ParseContextValue reads
// the reference's values). Declining is always allowed: the caller then uses the
// reference.
func checkLineDecoder(d *LineDecoder, line []byte) error {
	c, ctx, ok := d.Decode(line)
	if !ok {
		return nil
	}
	ref, err := ParseCaseShared(line)
	if err != nil {
		return fmt.Errorf("the fast decoder accepted a line the reference rejects (%v): %q", err, line)
	}
	diff := func(what string, a, b any) error {
		return fmt.Errorf("%s: fast %q, reference %q\nline: %q", what, a, b, line)
	}
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"id", c.ID, ref.ID}, {"expect", c.Expect, ref.Expect}, {"expectError", c.ExpectError, ref.ExpectError},
		{"undef", c.Undef, ref.Undef}, {"source", c.Source, ref.Source},
		{"request.principal", c.Request.Principal, ref.Request.Principal}, {"request.action", c.Request.Action, ref.Request.Action},
		{"request.resource", c.Request.Resource, ref.Request.Resource},
		{"request.resourceAccount", c.Request.ResourceAccount, ref.Request.ResourceAccount},
	} {
		if f.a != f.b {
			return diff(f.name, f.a, f.b)
		}
	}
	if c.Request.Context != nil {
		return diff("request.context (the fast path lists it)", c.Request.Context, nil)
	}
	eq := func(a, b []jsontext.Value) bool {
		return slices.EqualFunc(a, b, func(x, y jsontext.Value) bool { return bytes.Equal(x, y) })
	}
	p, q := c.Policies, ref.Policies
	if !eq(p.Identity, q.Identity) || !eq(p.Boundary, q.Boundary) || !eq(p.Resource, q.Resource) ||
		!slices.EqualFunc(p.SCP, q.SCP, eq) || !slices.EqualFunc(p.RCP, q.RCP, eq) {
		return diff("policies", fmt.Sprint(p), fmt.Sprint(q))
	}
	if len(ctx) != len(ref.Request.Context) {
		return diff("request.context", fmt.Sprint(ctx), fmt.Sprint(ref.Request.Context))
	}
	for _, e := range ctx {
		rv, ok := ref.Request.Context[e.Key]
		if !ok {
			return diff("request.context key", e.Key, "")
		}
		want, err := ParseContextValue(rv)
		if err != nil {
			return fmt.Errorf("request.context.%s: the fast decoder read %q, the reference rejects it: %v\nline: %q", e.Key, e.Value.Values, err, line)
		}
		if e.Value.Multi != want.Multi || !slices.Equal(e.Value.Values, want.Values) {
			return diff("request.context."+e.Key, fmt.Sprint(e.Value), fmt.Sprint(want))
		}
	}
	return nil
}

// lineDecoderSeeds are every line of the corpus's JSON-lines files, each also
// varied the ways that matter to a decoder (truncated, a member repeated, white
// space, escapes, nulls, other types), and hand-written lines for the rules the
// fast path must get right.
func lineDecoderSeeds(t testing.TB) [][]byte {
	var files []string
	_ = filepath.WalkDir("../corpus", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".jsonl") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 10 {
		t.Fatalf("only %d corpus files", len(files))
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for l := range bytes.Lines(data) {
			l = bytes.TrimSpace(l)
			if len(l) == 0 {
				continue
			}
			out = append(out, l)
			out = append(out, lineVariants(l)...)
		}
	}
	for _, s := range handLines {
		out = append(out, []byte(s))
	}
	return out
}

// lineVariants returns variations of a line.
func lineVariants(l []byte) [][]byte {
	s := string(l)
	vs := []string{
		s[:len(s)/2], s[:len(s)-1], s + "x", " " + s + " \t", s + "{}",
		strings.Replace(s, `{"id":`, `{"id":"dup","id":`, 1),
		strings.Replace(s, `"request":{`, `"request":{"action":"x:Y",`, 1),
		strings.Replace(s, `"context":{`, `"context":{"aws:a":"1","aws:a":"2",`, 1),
		strings.Replace(s, `"context":{`, `"context":{"aws:n":null,`, 1),
		strings.Replace(s, `"context":{`, `"context":{"aws:x":[1,true,"s"],"aws:y":-0.5e3,"aws:z":[],`, 1),
		strings.Replace(s, `"context":{`, `"context":{"aws:\u0061":"1",`, 1),
		strings.Replace(s, `"principal":"`, `"principal":"\u0061rn`, 1),
		strings.Replace(s, `"id":"`, `"id":"\ud800`, 1),
		strings.Replace(s, `"id":"`, "\"id\":\"\xff", 1),
		strings.Replace(s, `"id":"`, "\"id\":\"é\t", 1),
		strings.Replace(s, `"policies":{`, `"policies":{"session":[],`, 1),
		strings.Replace(s, `"policies":{`, `"policies":{"identity":null,`, 1),
		strings.Replace(s, `"identity":[`, `"identity":[{"Version":"2012-10-17","Statement":[],"Statement":[]},`, 1),
		strings.Replace(s, `"identity":[`, `"identity":["{\"Statement\":[]}",`, 1),
		strings.Replace(s, `"identity":[`, `"identity":[[],`, 1),
		strings.Replace(s, `"request":`, `"extra":{"a":[1,{"b":null}],"a":2},"request":`, 1),
		strings.Replace(s, `"request":`, `"extra":{"a":[1,{"b":null}]},"more":null,"request":`, 1),
		strings.ReplaceAll(s, `,`, " ,\n "),
		strings.ReplaceAll(s, `:`, ": "),
	}
	out := make([][]byte, 0, len(vs))
	for _, v := range vs {
		if v != s {
			out = append(out, []byte(v))
		}
	}
	return out
}

var handLines = []string{
	`{}`, `[]`, `{"id":"a"}`, `{"id":"a","id":"a"}`, `{"ID":"a","id":"b"}`, `{"id":null}`, `{"id":1}`,
	`{"i\u0064":"a"}`, `{"id":"a\"b\\c\/d\u00e9\ud83d\ude00"}`, `{"id":"\ud83d"}`, `{"id":"a` + "\x01" + `"}`,
	`{"policies":{"scp":[[],[{"Statement":[]}]],"rcp":[[]]}}`, `{"policies":{"scp":[{}]}}`, `{"policies":{"Identity":[]}}`,
	`{"policies":{"identity":[{"a":{"b":{"c":[[[[]]]]}}}]}}`, `{"policies":{"identity":[{"a":1,"a":2}]}}`,
	`{"policies":{"identity":[{"a":"\"}"}]}}`, `{"policies":{"identity":[{"a":"\\"}]}}`, `{"policies":{"identity":[{"a":"\\\"}"}]}}`,
	`{"policies":{"identity":[{"a":[}]}}`, `{"policies":{"identity":[{]}}`, `{"policies":{"identity":[{"a":"` + "\xc3\x28" + `"}]}}`,
	`{"request":{"context":{"a:b":01}}}`, `{"request":{"context":{"a:b":1.}}}`, `{"request":{"context":{"a:b":-}}}`,
	`{"request":{"context":{"a:b":1e+}}}`, `{"request":{"context":{"a:b":1E-7}}}`, `{"request":{"context":{"a:b":truex}}}`,
	`{"request":{"context":{"a:b":[[1]]}}}`, `{"request":{"context":{"a:b":{}}}}`, `{"request":{"context":{"a:b":[1,]}}}`,
	`{"request":{"context":{"a:b":"x","A:B":"y"}}}`, `{"request":{"context":{}}}`, `{"request":{"context":{"a:b":"1"},"context":{}}}`,
	`{"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*","other":[1,2,{"x":[]}]}}`,
	"{\"id\":\"a\"}\r", "\ufeff{\"id\":\"a\"}", `{"id":"a"}{"id":"b"}`, `{"id":"a",}`, `{,"id":"a"}`, `{"id" "a"}`,
	`{"id":"a","source":"docs/semantics.md §1","expect":"allowed","expectError":"syntax","undef":"type-mismatch"}`,
	`{"policies":{"identity":[{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}]},"request":{"principal":"arn:aws:iam::111122223333:user/a","action":"s3:GetObject","resource":"*","context":{"aws:MultiFactorAuthPresent":true,"aws:TagKeys":["a","b"],"aws:MultiFactorAuthAge":120}}}`,
	strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
	`{"x":` + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + `}`,
}

// TestLineDecoderAgrees: on the corpus, its variants and the hand-written lines,
// the fast decoder agrees with the reference whenever it accepts a line, and it
// accepts the well-formed corpus lines (else eval would not be fast).
func TestLineDecoderAgrees(t *testing.T) {
	var d LineDecoder
	accepted, plain := 0, 0
	for _, line := range lineDecoderSeeds(t) {
		if err := checkLineDecoder(&d, line); err != nil {
			t.Fatal(err)
		}
		if _, err := ParseCaseShared(line); err == nil && !bytes.Contains(line, []byte("null")) && !bytes.Contains(line, []byte(`\u`)) {
			plain++
			if _, _, ok := d.Decode(line); ok {
				accepted++
			}
		}
	}
	t.Logf("the fast path accepted %d of the %d lines the reference accepts (without null or \\u escapes)", accepted, plain)
	if plain == 0 || accepted < plain*9/10 {
		t.Errorf("the fast path accepted %d of %d lines the reference accepts", accepted, plain)
	}
}

// FuzzLineDecoder: checkLineDecoder on any line (go test -fuzz=FuzzLineDecoder ./model).
func FuzzLineDecoder(f *testing.F) {
	for _, s := range lineDecoderSeeds(f) {
		f.Add(s)
	}
	var d LineDecoder
	f.Fuzz(func(t *testing.T, line []byte) {
		if err := checkLineDecoder(&d, line); err != nil {
			t.Fatal(err)
		}
	})
}
