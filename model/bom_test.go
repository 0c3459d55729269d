package model_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const bom = "\ufeff"

// TestFilesReadPastBOM: a case file and a policy file it names by $ref, both saved
// with a UTF-8 byte-order mark (Windows Notepad, "UTF-8 with signature"), read as
// without it; a policy given as a JSON string that starts with U+FEFF is text, not
// a file, and stays a syntax error (model.Text).
func TestFilesReadPastBOM(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pol := write("p.json", bom+allowAll)
	if b, err := model.ReadFile(pol, model.MaxPolicySize); err != nil || string(b) != allowAll {
		t.Fatalf("ReadFile = %q, %v; want the policy without its byte-order mark", b, err)
	}
	req := `"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"}`
	cases := write("c.jsonl", bom+`{"id":"ref",`+`"policies":{"identity":[{"$ref":"p.json"}]},`+req+`,"expect":"allowed"}`+"\n")
	cs, err := model.LoadCaseFile(cases)
	if err != nil || len(cs) != 1 {
		t.Fatalf("LoadCaseFile: %d cases, %v", len(cs), err)
	}
	if o := cs[0].Check(&model.PolicyCache{}, &model.Evaluator{}); o.Err != nil || o.Mismatch != "" {
		t.Fatalf("the $ref to a policy file with a byte-order mark: %v %s", o.Err, o.Mismatch)
	}

	str := `{"id":"str","policies":{"identity":["` + bom + `{\"Version\":\"2012-10-17\",\"Statement\":[]}"]},` + req + `}`
	c, err := model.ParseCase([]byte(str))
	if err == nil {
		_, err = c.Decide(&model.PolicyCache{}, &model.Evaluator{})
	}
	if !errors.Is(err, model.ErrSyntax) {
		t.Fatalf("a policy string starting with U+FEFF: %v, want a syntax error", err)
	}
}

// utf16LE is s as Windows PowerShell 5's > writes it: UTF-16LE with a mark.
func utf16LE(s string) []byte {
	b := []byte{0xff, 0xfe}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// A UTF-16 file (Windows PowerShell 5's >) a $ref names is read as its text; a
// UTF-16 case file, read as a stream of UTF-8 lines, is refused with the reason
// and the fix (kind syntax), not with an invalid character at line 1 column 1.
func TestUTF16Files(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "p.json")
	if err := os.WriteFile(p, utf16LE(allowAll), 0o644); err != nil {
		t.Fatal(err)
	}
	req := `"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"}`
	c, err := model.ParseCase([]byte(`{"id":"ref","policies":{"identity":[{"$ref":"p.json"}]},` + req + `}`))
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = dir
	if res, err := c.Decide(&model.PolicyCache{}, &model.Evaluator{}); err != nil || res.Decision != model.Allowed {
		t.Errorf("$ref to a UTF-16 file: %v, %v", res, err)
	}
	if b, err := model.ReadFile(p, model.MaxPolicySize); err != nil || string(b) != allowAll {
		t.Errorf("ReadFile of a UTF-16 file: %q, %v", b, err)
	}
	_, err = model.ReadCases(bytes.NewReader(utf16LE(`{"id":"a",`+`"policies":{"identity":[`+allowAll+`]},`+req+"}\n")), "c.jsonl")
	if !errors.Is(err, model.ErrSyntax) || !strings.Contains(err.Error(), "UTF-16 text") {
		t.Errorf("a UTF-16 case file: %v", err)
	}
	if got := string(model.Text([]byte{0xfe, 0xff, 0, '{', 0xd8, 0x3d, 0xde, 0x00, 0, '}'})); got != "{😀}" {
		t.Errorf("big-endian UTF-16 with a surrogate pair: %q", got)
	}
}

// A $ref to a file that is not there (a replay line run from another directory)
// names the file it looked for and how a $ref is resolved.
func TestRefMissingFileExplained(t *testing.T) {
	c, err := model.ParseCase([]byte(`{"id":"r","policies":{"identity":[{"$ref":"no/such/policy.json"}]},"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"}}`))
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = t.TempDir()
	_, err = c.Decide(&model.PolicyCache{}, &model.Evaluator{})
	want := filepath.Join(c.Dir, "no/such/policy.json")
	if !errors.Is(err, model.ErrInvalidRequest) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "relative to the directory of the case file") {
		t.Errorf("%v, want an invalid-request error naming %s and how a $ref is resolved", err, want)
	}
}
