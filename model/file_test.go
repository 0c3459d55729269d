//go:build unix

package model_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iamfuzz/iamfuzz/model"
)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TestRefBounds: a $ref reads only regular files of bounded size under the allowed
// trees; everything else is refused, by kind, before anything is read.
func TestRefBounds(t *testing.T) {
	dir := t.TempDir()
	if err := model.AllowRefsUnder(dir); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("p.json", allowAll)
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/environ", filepath.Join(dir, "env.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	sparse, err := os.Create(filepath.Join(dir, "sparse.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sparse.Truncate(3 << 30); err != nil {
		t.Fatal(err)
	}
	sparse.Close()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub", "d.json"), 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		ref  string
		kind *model.Kind // nil: reads
	}{
		{"p.json", nil},
		{"sub/../p.json", nil},
		{"/proc/self/environ", model.ErrRefOutsideTree},
		{"../../../../../../../../etc/passwd", model.ErrRefOutsideTree},
		{"env.json", model.ErrRefOutsideTree},  // a symlink out of the tree
		{"zero.json", model.ErrRefOutsideTree}, // /dev/zero: out of the tree, and not regular
		{"fifo.json", model.ErrNotRegularFile}, // would hang a reader
		{"sparse.json", model.ErrTooLarge},     // rejected unread
		{"sub/d.json", model.ErrNotRegularFile},
	}
	for _, tc := range tests {
		v := jsontext.Value(`{"$ref":` + string(must(jsontext.AppendQuote(nil, tc.ref))) + `}`)
		text, err := model.PolicyText(v, dir)
		switch {
		case tc.kind == nil && (err != nil || string(text) != allowAll):
			t.Errorf("%s: %q, %v", tc.ref, text, err)
		case tc.kind != nil && !errors.Is(err, tc.kind):
			t.Errorf("%s: err = %v, want kind %s", tc.ref, err, tc.kind.Name())
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestReadFileBounded(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, make([]byte, 101), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := model.ReadFile(p, 100); !errors.Is(err, model.ErrTooLarge) {
		t.Errorf("101 bytes, limit 100: %v", err)
	}
	if b, err := model.ReadFile(p, 101); err != nil || len(b) != 101 {
		t.Errorf("101 bytes, limit 101: %d, %v", len(b), err)
	}
	if _, err := model.ReadFile("/dev/zero", 100); !errors.Is(err, model.ErrNotRegularFile) {
		t.Errorf("/dev/zero: %v", err)
	}
}
