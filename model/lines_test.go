package model

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a reader with no line break, ever (/dev/zero's shape).
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// An input with no line break ends with ErrNoLineBreak after a bounded number of
// bytes instead of being skipped for ever.
func TestLineReaderStopsWithoutLineBreak(t *testing.T) {
	src := &endless{}
	lr := NewLineReader(src)
	lr.Max, lr.skipLimit = 1<<10, 1<<20
	_, err := lr.Next()
	if !errors.Is(err, ErrNoLineBreak) {
		t.Fatalf("Next on an endless line: %v, want %v", err, ErrNoLineBreak)
	}
	if src.n > 2<<20 {
		t.Errorf("read %d bytes before giving up, want about %d", src.n, 1<<20)
	}
}

// A long line that does end is still skipped and reading goes on.
func TestLineReaderSkipsLongLine(t *testing.T) {
	in := strings.Repeat("x", 5000) + "\n{}\n"
	lr := NewLineReader(strings.NewReader(in))
	lr.Max = 1 << 10
	if _, err := lr.Next(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("first line: %v, want %v", err, ErrLineTooLong)
	}
	line, err := lr.Next()
	if err != nil || !bytes.Equal(line, []byte("{}")) || lr.Line() != 2 {
		t.Fatalf("second line: %q, %v (line %d)", line, err, lr.Line())
	}
	if _, err := lr.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}
