package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/iamfuzz/iamfuzz/properties/gencase"
)

// TestEvalFastPathSameOutput: eval writes byte for byte the same results, the
// same assertion failures and the same exit code with its fast line decoder
// (model.LineDecoder) as with the reference decoder alone, on every case of the
// corpus and on generated cases whose policies do not repeat (scripts/evalcases'
// kind), each file as one run so that the per-worker memos are exercised.
func TestEvalFastPathSameOutput(t *testing.T) {
	files, _ := filepath.Glob("../../corpus/cases/*.jsonl")
	var gen bytes.Buffer
	for _, c := range gencase.Generate(7, 600) {
		line, err := jsonv2.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		gen.Write(line)
		gen.WriteByte('\n')
	}
	genFile := filepath.Join(t.TempDir(), "gen.jsonl")
	if err := os.WriteFile(genFile, append(gen.Bytes(), gen.Bytes()...), 0o644); err != nil { // twice: the memos hit
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d corpus files", len(files))
	}
	brokenFile := filepath.Join(t.TempDir(), "broken.jsonl")
	if err := os.WriteFile(brokenFile, brokenPolicyLines(), 0o644); err != nil {
		t.Fatal(err)
	}
	typoFile := filepath.Join(t.TempDir(), "typos.jsonl") // the typo warnings, from either decoder
	if err := os.WriteFile(typoFile, []byte(typoLines+typoLines), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{append([]string{"eval"}, files...), {"eval", genFile}, append([]string{"eval", "-explain"}, files...), {"eval", brokenFile}, {"eval", typoFile}} {
		useLineDecoder = false
		refCode, refOut, refErr := runCmd(t, nil, args...)
		useLineDecoder = true
		code, out, errs := runCmd(t, nil, args...)
		if code != refCode || out != refOut || errs != refErr {
			t.Errorf("eval %v: the fast path's output differs from the reference decoder's (exit %d vs %d)\nfast:\n%.2000s\nreference:\n%.2000s", args[1:2], code, refCode, out+errs, refOut+refErr)
		}
	}
}

// brokenPolicyLines are eval lines whose policy objects the reference decoder
// rejects as JSON (duplicate names at every depth, also spelt with escapes;
// invalid UTF-8; a lone surrogate; syntax errors inside the object) or accepts
// but Parse rejects (an invalid Effect, two boundaries), in every policy slot,
// each twice so that the decoder's second sighting is exercised too. eval's
// fast decoder leaves a policy seen once unchecked (LineDecoder.DeferPolicyChecks)
// and must decode such a line again when a policy does not compile.
func brokenPolicyLines() []byte {
	stmt := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	docs := []string{
		`{"Version":"2012-10-17","Version":"2012-10-17","Statement":[` + stmt + `]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","\u0045ffect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true","aws:SecureTransport":"true"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"},"Bool":{"aws:SecureTransport":"true"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*","AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}`,
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"\xff\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
		`{"Version":"2012-10-17","Statement":[{"Sid":"\ud800","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[` + stmt + `],}`,
		`{"Version":"2012-10-17","Statement" [` + stmt + `]}`,
		`{"Version":"2012-10-17","Statement":[` + stmt + ` ` + stmt + `]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[` + stmt + `],"Extra":{"a":1,"a":2}}`,
		`{"Version":"2012-10-17","Statement":[` + stmt + `]}`,
	}
	withPrincipal := func(doc string) string {
		return strings.ReplaceAll(doc, `{"Effect":"Allow","Action"`, `{"Effect":"Allow","Principal":"*","Action"`)
	}
	req := `"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}`
	var b bytes.Buffer
	for i, doc := range docs {
		for _, slot := range []string{
			`"identity":[` + doc + `]`,
			`"identity":[` + docs[len(docs)-1] + `],"boundary":[` + doc + `]`,
			`"identity":[` + docs[len(docs)-1] + `],"boundary":[` + docs[len(docs)-1] + `,` + doc + `]`,
			`"identity":[` + docs[len(docs)-1] + `],"scp":[[` + doc + `]]`,
			`"identity":[` + docs[len(docs)-1] + `],"resource":[` + withPrincipal(doc) + `]`,
		} {
			for range 2 {
				fmt.Fprintf(&b, `{"id":"broken-%d","policies":{%s},%s}`+"\n", i, slot, req)
			}
		}
	}
	return b.Bytes()
}
