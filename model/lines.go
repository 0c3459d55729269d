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

// MaxSkip bounds the bytes skipped of one over-long line. Skipping keeps memory
// bounded but not time: an input with no line break at all (a device such as
// /dev/zero, a binary file) would be read for ever, so past MaxSkip the reader
// gives up with ErrNoLineBreak.
const MaxSkip = 1 << 30

// LineReader reads JSON lines with bounded memory and time: a line longer than
// Max is skipped in chunks and reported as ErrLineTooLong, and reading goes on;
// a line with no break within MaxSkip bytes ends the input with ErrNoLineBreak.
// A UTF-8 byte-order mark at the start of the input is skipped (trimBOM); UTF-16
// text is an error on its first line (checkEncoding).
type LineReader struct {
	r    *bufio.Reader
	Max  int
	line int
	buf  []byte
	// skipLimit is MaxSkip unless a test lowers it.
	skipLimit int64
}

// NewLineReader reads lines from r.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10), Max: DefaultMaxLine, skipLimit: MaxSkip}
}

// Line returns the 1-based number of the line last returned.
func (lr *LineReader) Line() int { return lr.line }

// Next returns the next line without its newline. The slice is valid until the
// next call. At the end it returns io.EOF; a line over Max gives an error wrapping
// ErrLineTooLong and reading can go on; a line with no break within MaxSkip bytes
// gives an error wrapping ErrNoLineBreak, after which the reader is done.
func (lr *LineReader) Next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	tooLong := false
	var read int64
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read += int64(len(chunk))
		if tooLong && read > lr.skipLimit && errors.Is(err, bufio.ErrBufferFull) {
			return nil, &PolicyError{Offset: -1, Kind: ErrNoLineBreak, Msg: fmt.Sprintf("line %d has no line break within %d bytes: not JSON lines; stopped reading", lr.line+1, lr.skipLimit)}
		}
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
		if lr.line == 1 {
			// A file's byte-order mark is not part of its first line (trimBOM).
			lr.buf = trimBOM(lr.buf)
			if err := checkEncoding("the input", lr.buf); err != nil {
				return nil, err
			}
		}
		return bytes.TrimRight(lr.buf, "\r\n"), nil
	}
}
