package source

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/iamfuzz/iamfuzz/model"
)

// A policy file saved with a UTF-8 byte-order mark (model.Text) is the policy
// after the mark, from a file or standard input, and positions are counted as an
// editor shows them: the mark is not a column.
func TestBareFileReadPastBOM(t *testing.T) {
	text := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n"
	for _, name := range []string{"p.json", "-"} {
		var ps []*Policy
		var err error
		if name == "-" {
			ps, err = ReadFile(name, strings.NewReader("\ufeff"+text))
		} else {
			ps, err = Read(name, []byte("\ufeff"+text))
		}
		if err != nil || len(ps) != 1 {
			t.Fatalf("%s: %d policies, %v", name, len(ps), err)
		}
		p := ps[0]
		if string(p.Doc) != text {
			t.Fatalf("%s: Doc = %q, want the file without its byte-order mark", name, p.Doc)
		}
		if _, err := model.Parse(p.Doc, p.ModelType()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := p.Locate(int64(bytes.Index(p.Doc, []byte(`"Statement"`)))); got != (Pos{3, 3}) {
			t.Errorf("%s: Statement at %v, want 3:3", name, got)
		}
	}
}

// A UTF-16 policy file or plan (Windows PowerShell 5's >, terraform show -json >
// plan.json) is read as its text, with positions in it; a policy was called YAML,
// and a folder search passes over UTF-16 files that are not inputs.
func TestUTF16FileRead(t *testing.T) {
	enc := func(s string) []byte {
		b := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	text := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"é\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n"
	ps, err := Read("p.json", enc(text))
	if err != nil || len(ps) != 1 || string(ps[0].Doc) != text {
		t.Fatalf("Read: %v, %+v", err, ps)
	}
	if got := ps[0].Locate(int64(bytes.Index(ps[0].Doc, []byte(`"Effect"`)))); got != (Pos{3, 30}) {
		t.Errorf("Effect at %v, want 3:30 (é is one column)", got)
	}
	plan, err := os.ReadFile(corpusPlan)
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := Read("plan.json", enc(string(plan))); err != nil || len(ps) != len(read(t, corpusPlan)) {
		t.Errorf("a UTF-16 plan: %d policies, %v", len(ps), err)
	}
	if HoldsPolicies("tsconfig.json", model.Text(enc(`{"compilerOptions":{}}`))) {
		t.Errorf("HoldsPolicies: a UTF-16 tsconfig")
	}
}
