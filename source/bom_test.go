package source

import (
	"bytes"
	"strings"
	"testing"

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
