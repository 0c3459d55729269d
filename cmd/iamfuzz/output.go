package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// exitInterrupted is the status of a run stopped by Ctrl-C or SIGTERM (128+SIGINT,
// as shells report it): its output is partial and says so.
const exitInterrupted = 130

// errInterrupted marks work that a signal stopped before it finished: such a
// policy or case has no verdict, never a PASS.
var errInterrupted = errors.New("interrupted before its checks finished; no verdict")

// interruptContext is cancelled by SIGINT or SIGTERM; tests replace it.
var interruptContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// checkedWriter remembers the first write error, so that a command whose output
// could not be written (a full disk, a closed pipe) does not exit 0.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory, fsynced, then renamed over path, so that a crash or a full disk
// leaves either the old file or the new one, never a truncated one.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// appendWholeLine appends line (which ends in a newline) to f in one write,
// starting a new line first when the file's last line has no newline (it would
// otherwise be glued onto it), and fsyncs.
func appendWholeLine(f *os.File, line []byte) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
			return err
		}
		if last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(line); err != nil {
		return err
	}
	return f.Sync()
}
