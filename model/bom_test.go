package model_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamfuzz/iamfuzz/model"
)

const bom = "\ufeff"

// TestFilesReadPastBOM: a case file and a policy file it names by $ref, both saved
// with a UTF-8 byte-order mark (Windows Notepad, "UTF-8 with signature"), read as
// without it; a policy given as a JSON string that starts with U+FEFF is text, not
// a file, and stays a syntax error (model.TrimBOM).
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
