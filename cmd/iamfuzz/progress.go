package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress prints "done/total" on stderr at most every half second, and only when
// stderr is a terminal: logs in CI stay clean.
type progress struct {
	w     io.Writer
	total int
	on    bool
	last  time.Time
	start time.Time
}

func newProgress(w io.Writer, total int) *progress {
	on := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, total: total, on: on, start: time.Now()}
}

func (p *progress) update(done int) {
	if !p.on || time.Since(p.last) < 500*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%d/%d (%.0f%%) %s", done, p.total, 100*float64(done)/float64(max(p.total, 1)), time.Since(p.start).Round(time.Second))
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
