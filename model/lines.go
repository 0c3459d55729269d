package model

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLine bounds one JSON line. A case line holds policies inline, and IAM's
// largest policies are well under a megabyte, so 16 MiB is generous; a longer line
// is reported and skipped without being held in memory.
const DefaultMaxLine = 16 << 20

// LineReader reads JSON lines with bounded memory: a line longer than Max is
// skipped in chunks and reported as ErrLineTooLong, and reading goes on.
type LineReader struct {
	r    *bufio.Reader
	Max  int
	line int
	buf  []byte
}

// NewLineReader reads lines from r.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10), Max: DefaultMaxLine}
}

// Line returns the 1-based number of the line last returned.
func (lr *LineReader) Line() int { return lr.line }

// Next returns the next line without its newline. The slice is valid until the
// next call. At the end it returns io.EOF; a line over Max gives an error wrapping
// ErrLineTooLong and reading can go on.
func (lr *LineReader) Next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	tooLong := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.Max+1 {
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(lr.buf) == 0 && !tooLong:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, err
		}
		lr.line++
		if tooLong {
			return nil, &PolicyError{Offset: -1, Kind: ErrLineTooLong, Msg: fmt.Sprintf("line %d is longer than the %d-byte limit; skipped", lr.line, lr.Max)}
		}
		return bytes.TrimRight(lr.buf, "\r\n"), nil
	}
}
