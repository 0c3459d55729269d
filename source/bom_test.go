package source

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/iamfuzz/iamfuzz/model"
)

// A policy file saved with a UTF-8 byte-order mark (model.TrimBOM) is the policy
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

// A UTF-16 policy file (Windows PowerShell 5's >) is refused as UTF-16 with the
// fix, not called YAML; a folder search keeps it when its text is a policy, so
// the run reports it, and passes over UTF-16 files that are not inputs.
func TestUTF16FileRefused(t *testing.T) {
	enc := func(s string) []byte {
		b := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	pol := enc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	_, err := Read("p.json", pol)
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "UTF-16 text, not UTF-8") {
		t.Errorf("Read: %v", err)
	}
	if p := Bare("p.json", pol); !errors.Is(p.Err, ErrSyntax) {
		t.Errorf("Bare: %v", p.Err)
	}
	if !HoldsPolicies("p.json", pol) || HoldsPolicies("tsconfig.json", enc(`{"compilerOptions":{}}`)) {
		t.Errorf("HoldsPolicies: a UTF-16 policy %v, a UTF-16 tsconfig %v", HoldsPolicies("p.json", pol), HoldsPolicies("tsconfig.json", enc(`{"compilerOptions":{}}`)))
	}
}
