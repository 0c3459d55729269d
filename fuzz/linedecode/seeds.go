package linedecode

import (
	"bytes"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/iamfuzz/iamfuzz/corpus"
	"github.com/iamfuzz/iamfuzz/fuzz/seedcorpus"
)

// MaxInput bounds the target's seeds: minimizing a new input costs about n²
// executions, and go test -fuzz runs every seed through its worker protocol
// before fuzzing. Longer lines (a corpus case with its policies inline) are
// checked whole by TestLineDecoderAgrees.
const MaxInput = 1024

// maxSeeds: the seeds are sampled evenly down to about this many.
const maxSeeds = 600

// Seeds: every line of the embedded corpus's cases (corpus/cases/*.jsonl) that
// fits, each also varied the ways that matter to a decoder (lineVariants), and
// the hand-written lines, sampled evenly down to maxSeeds.
var Seeds = sync.OnceValues(func() ([][]byte, error) {
	files, err := fs.Glob(corpus.FS, "cases/*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var lines [][]byte
	for _, name := range files {
		data, err := fs.ReadFile(corpus.FS, name)
		if err != nil {
			return nil, err
		}
		lines = append(lines, Lines(data)...)
	}
	var out [][]byte
	for _, s := range WithVariants(lines) {
		if len(s) <= MaxInput {
			out = append(out, s)
		}
	}
	return seedcorpus.Sample(out, maxSeeds), nil
})

// Lines returns the non-blank lines of a JSON-lines file, trimmed.
func Lines(data []byte) [][]byte {
	var out [][]byte
	for l := range bytes.Lines(data) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// WithVariants returns each line and its variants (lineVariants), then the
// hand-written lines for the rules the fast path must get right.
func WithVariants(lines [][]byte) [][]byte {
	var out [][]byte
	for _, l := range lines {
		out = append(out, l)
		out = append(out, lineVariants(l)...)
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
